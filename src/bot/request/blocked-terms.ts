/**
 * The server's prompt blocklist: a term matches as a whole word or phrase, ignoring case, so `cat` blocks
 * "a Cat sleeping" but not "category", and `red fox` blocks "a red  fox" (any run of spaces between words).
 */
import type { RequestProblem } from './animate-request.js';
import type { PromptTables } from './prompt-lines.js';

export function blockedTermProblems(tables: PromptTables, blockedTerms: readonly string[]): RequestProblem[] {
  const matchers = blockedTerms
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term) => ({ term, pattern: termPattern(term) }));
  const found = new Map<string, string[]>();
  for (const [kind, table] of [
    ['prompt', tables.prompts],
    ['negative prompt', tables.neg_prompts],
  ] as const) {
    for (const [frame, text] of Object.entries(table)) {
      for (const { term, pattern } of matchers) {
        if (pattern.test(text)) found.set(term, [...(found.get(term) ?? []), `the ${kind} of frame ${frame}`]);
      }
    }
  }
  return [...found].map(([term, places]) => ({
    field: 'prompts',
    message: `“${term}” is blocked on this server and appears in ${places.slice(0, 3).join(', ')}${places.length > 3 ? ` and ${places.length - 3} more` : ''}. Remove it from the prompts.`,
  }));
}

function termPattern(term: string): RegExp {
  const words = term.split(/\s+/).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}_])${words.join('\\s+')}(?![\\p{L}\\p{N}_])`, 'iu');
}

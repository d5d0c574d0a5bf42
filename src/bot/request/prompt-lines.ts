/**
 * The Prompts and Negative fields → Deforum's `prompts` / `neg_prompts` frame tables (spec §3.1). One line per
 * key frame, `30: a forest at dusk | fog, blur`: the text after `|` is that frame's negative prompt. The A1111
 * extension's `--neg` marker is read too (negative-prompt.ts), so prompts pasted from it keep their meaning.
 * The Negative field is added to every frame's negative prompt, because v0.7.1 keeps negatives in their own
 * frame table (`neg_prompts`) rather than joined with ` --neg ` as the extension does.
 */
import { splitNegativePrompt } from '../../core/schedule/negative-prompt.js';
import type { RequestProblem } from './animate-request.js';

export interface PromptTables {
  prompts: Record<string, string>;
  neg_prompts: Record<string, string>;
}

/** The good lines' tables with the bad lines' problems, so the blocklist and the schema still see the good lines. */
export interface PromptLinesResult {
  tables: PromptTables;
  problems: RequestProblem[];
  warnings: string[];
}

const KEYED_LINE = /^(\d+)\s*:\s*(.*)$/s;
const EXAMPLE = '`0: a red fox in the snow | blurry`';

export function parsePromptLines(text: string, negative: string, maxFrames: number): PromptLinesResult {
  const prompts: Record<string, string> = {};
  const negatives: Record<string, string> = {};
  const problems: RequestProblem[] = [];
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `Line ${index + 1} \`${line.slice(0, 60)}\``;
    const match = KEYED_LINE.exec(line);
    if (match === null) {
      problems.push({ field: 'prompts', message: `${where} has no frame number. Write each line as ${EXAMPLE}.` });
      return;
    }
    const frame = String(Number(match[1]));
    const { prompt, negative: lineNegative } = splitLine(match[2] ?? '');
    if (Object.hasOwn(prompts, frame)) {
      problems.push({
        field: 'prompts',
        message: `${where} gives frame ${frame} a second prompt. Keep one line per frame number.`,
      });
    } else if (prompt === '') {
      problems.push({ field: 'prompts', message: `${where} has no prompt text. Write it as ${EXAMPLE}.` });
    } else {
      prompts[frame] = prompt;
      negatives[frame] = joinNegatives(lineNegative, negative);
      if (Number(frame) >= maxFrames) {
        warnings.push(
          `The prompt for frame ${frame} is never shown: the animation has ${maxFrames} frames (0–${maxFrames - 1}).`,
        );
      }
    }
  });
  return { tables: { prompts, neg_prompts: negatives }, problems, warnings };
}

/** Adds the Negative field to each frame of an existing negative table (used when the Prompts field is empty). */
export function withNegative(table: Readonly<Record<string, string>>, negative: string): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([frame, text]) => [frame, joinNegatives(text, negative)]));
}

function splitLine(text: string): { prompt: string; negative: string } {
  const bar = text.indexOf('|');
  if (bar >= 0) return { prompt: text.slice(0, bar).trim(), negative: text.slice(bar + 1).trim() };
  return splitNegativePrompt(text);
}

function joinNegatives(...parts: string[]): string {
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(', ');
}

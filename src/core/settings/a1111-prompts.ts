/**
 * The extension's prompts: one table whose texts carry their negative part after `--neg`, frame keys that may
 * be expressions of `max_f`, and the `positive_prompts`/`negative_prompts` extras, which the extension adds to
 * every prompt (positive in front, negative after the prompt's own negative). We split them into our
 * `prompts` and `neg_prompts` tables with whole-number frame keys.
 */
import { evaluateFrameKey } from './a1111-frame-keys.js';

export interface SplitPrompts {
  prompts: Record<string, string>;
  neg_prompts: Record<string, string>;
  notes: string[];
}

export function splitA1111Prompts(
  table: Readonly<Record<string, unknown>>,
  options: { maxFrames: number; positive: string; negative: string },
): SplitPrompts {
  const prompts: Record<string, string> = {};
  const negatives: Record<string, string> = {};
  const notes: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    const frame = evaluateFrameKey(key, options.maxFrames, 'prompts');
    if (frame === undefined || frame < 0) {
      notes.push(
        `prompt key ${JSON.stringify(key)} is not a frame number or an expression of max_f; that prompt is dropped`,
      );
      continue;
    }
    if (String(frame) !== key)
      notes.push(`prompt key ${JSON.stringify(key)} is frame ${frame} (max_frames ${options.maxFrames})`);
    const text = typeof value === 'string' ? value : String(value);
    const [positive = '', ...negativeParts] = text.split('--neg');
    prompts[String(frame)] = joinText(options.positive, positive);
    negatives[String(frame)] = joinText(negativeParts.join(' '), options.negative.replace(/--neg/g, ''));
  }
  return { prompts, neg_prompts: negatives, notes };
}

function joinText(...parts: string[]): string {
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
}

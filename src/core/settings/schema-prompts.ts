/**
 * The prompt settings `prompts` and `neg_prompts` (spec §3.1): a string, a list, or frame → text. The engine
 * sees one normalised table of whole-number frame keys; per-frame lookup belongs to core/schedule/prompts.ts.
 */
import { z } from 'zod';

export type PromptTable = Readonly<Record<string, string>>;

const promptInput = z
  .union([z.string(), z.array(z.string()), z.record(z.string().regex(/^\d+$/), z.string())])
  .describe(
    'a prompt, a list of prompts, or frame → prompt with whole-number keys, e.g. {"0": "a lake", "30": "a forest"}',
  );

export const promptsShape = {
  prompts: promptInput,
  neg_prompts: promptInput,
};

/**
 * The notebook's normalisation: a list's index becomes its frame key, a lone string is keyed at `stringKey`
 * (frame 0 for prompts, the first prompt key for negatives), and an empty table becomes {0: ""}.
 */
export function toPromptTable(
  value: string | readonly string[] | Readonly<Record<string, string>>,
  stringKey = '0',
): PromptTable {
  if (typeof value === 'string') return { [stringKey]: value };
  const entries: [string, string][] = Array.isArray(value)
    ? value.map((text, index) => [String(index), text])
    : Object.entries(value as Readonly<Record<string, string>>).map(([key, text]) => [String(Number(key)), text]);
  return entries.length === 0 ? { '0': '' } : Object.fromEntries(entries);
}

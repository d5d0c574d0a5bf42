/**
 * Imports a notebook settings file (`*_settings.txt`, spec §17.3) or a plain object of Deforum settings.
 * Saved files carry the run's prompts as `cond_prompts`/`uncond_prompts` with string frame keys; still batches
 * (`animation_mode 'None'`) save them inverted as {prompt: "00000"}, which we turn back into position-keyed
 * tables. Unlike the notebook, a `prompts`/`neg_prompts` entry in a file is used (spec §24 item 7, fixed).
 */
import type { ImportedSettings } from './import-result.js';
import { NOTEBOOK_RUNTIME_KEYS } from './notebook-keys.js';

const RUNTIME_KEYS: ReadonlySet<string> = new Set(NOTEBOOK_RUNTIME_KEYS);

export function importDeforumFile(json: Readonly<Record<string, unknown>>): ImportedSettings {
  const settings: Record<string, unknown> = {};
  const runtimeKeys: string[] = [];
  const notes: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (RUNTIME_KEYS.has(key)) runtimeKeys.push(key);
    else settings[key] = value;
  }
  for (const [saved, setting] of [
    ['cond_prompts', 'prompts'],
    ['uncond_prompts', 'neg_prompts'],
  ] as const) {
    const table = savedPromptTable(json[saved]);
    if (table === undefined) continue;
    if (settings[setting] === undefined) settings[setting] = table.prompts;
    else notes.push(`${setting} is given, so the run's saved ${saved} are not used`);
    if (table.inverted)
      notes.push(`${saved} was saved by a still batch (prompt → position); positions became frame keys`);
  }
  return { format: 'notebook', settings, notes, unmapped: [], runtimeKeys };
}

function savedPromptTable(value: unknown): { prompts: Record<string, unknown>; inverted: boolean } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  // The still-batch form maps each prompt text to its zero-padded position ("00000").
  const inverted =
    entries.every(([, v]) => typeof v === 'string' && /^\d+$/.test(v)) && entries.some(([k]) => !/^\d+$/.test(k));
  if (!inverted) return { prompts: Object.fromEntries(entries), inverted: false };
  return {
    prompts: Object.fromEntries(entries.map(([text, position]) => [String(Number(position)), text])),
    inverted: true,
  };
}

/**
 * Our preset file format (presets/*.json and user presets):
 *
 *   { "name": "slow-zoom-2d", "description": "what the look is", "settings": { ...Deforum settings } }
 *
 * `settings` is a partial settings object with the notebook's key names, prompts included (`prompts`,
 * `neg_prompts` as frame → text); everything it leaves out takes the notebook default.
 */
import { z } from 'zod';
import type { ImportedSettings } from './import-result.js';

export const presetFileSchema = z.object({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a kebab-case name such as "slow-zoom-2d"'),
  description: z.string().min(1),
  settings: z.record(z.string(), z.unknown()),
});

export type PresetFile = z.infer<typeof presetFileSchema>;

export function isPresetFile(json: Readonly<Record<string, unknown>>): boolean {
  return typeof json.settings === 'object' && json.settings !== null && !Array.isArray(json.settings);
}

export function importPresetFile(json: Readonly<Record<string, unknown>>): ImportedSettings {
  const imported: ImportedSettings = {
    format: 'preset',
    settings: { ...(json.settings as Record<string, unknown>) },
    notes: Object.keys(json)
      .filter((key) => !['name', 'description', 'settings'].includes(key))
      .map((key) => `${key} is not part of a preset file (name, description, settings); it is ignored`),
    unmapped: [],
    runtimeKeys: [],
  };
  if (typeof json.name === 'string') imported.name = json.name;
  if (typeof json.description === 'string') imported.description = json.description;
  return imported;
}

/** Writes settings as one of our preset files, keeping only what differs from the notebook defaults. */
import { DEFAULT_SETTINGS } from './defaults.js';
import type { PresetFile } from './preset-file.js';
import { deforumSettingsSchema, SETTING_NAMES, type DeforumSettings } from './schema.js';

const DEFAULTS: DeforumSettings = deforumSettingsSchema.parse(DEFAULT_SETTINGS);

export function settingsDifferingFromDefaults(settings: DeforumSettings): Record<string, unknown> {
  return Object.fromEntries(
    SETTING_NAMES.filter((key) => JSON.stringify(settings[key]) !== JSON.stringify(DEFAULTS[key])).map((key) => [
      key,
      settings[key],
    ]),
  );
}

export function exportPreset(settings: DeforumSettings, meta: { name: string; description: string }): string {
  const preset: PresetFile = { ...meta, settings: settingsDifferingFromDefaults(settings) };
  return `${JSON.stringify(preset, null, 2)}\n`;
}

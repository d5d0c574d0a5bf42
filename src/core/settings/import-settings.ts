/** Recognises which tool wrote a settings object and hands it to that importer. */
import { A1111_SIGNATURE_KEYS } from './a1111-names.js';
import { importA1111File } from './import-a1111-file.js';
import { importDeforumFile } from './import-deforum-file.js';
import type { ImportedSettings, SettingsFormat } from './import-result.js';
import { importPresetFile, isPresetFile } from './preset-file.js';

export function detectSettingsFormat(json: Readonly<Record<string, unknown>>): SettingsFormat {
  if (isPresetFile(json)) return 'preset';
  if (A1111_SIGNATURE_KEYS.some((key) => Object.hasOwn(json, key))) return 'a1111';
  return 'notebook';
}

export function importSettings(json: Readonly<Record<string, unknown>>): ImportedSettings {
  switch (detectSettingsFormat(json)) {
    case 'preset':
      return importPresetFile(json);
    case 'a1111':
      return importA1111File(json);
    case 'notebook':
      return importDeforumFile(json);
  }
}

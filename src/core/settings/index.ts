/** The settings module's public surface: the schema and its types, parsing, import/export, checking and presets. */
export { SAMPLER_NAMES, type SamplerName } from './samplers.js';
export { DEFAULT_SETTINGS } from './defaults.js';
export {
  deforumSettingsSchema,
  SETTING_NAMES,
  isSettingName,
  type DeforumSettings,
  type DeforumSettingsInput,
  type SettingName,
} from './schema.js';
export {
  parseSettings,
  parseSettingsOrThrow,
  settingsInvalidError,
  type SettingsParseResult,
} from './parse-settings.js';
export { parseJsonText } from './json-text.js';
export { importSettings, detectSettingsFormat } from './import-settings.js';
export type { ImportedSettings, SettingsFormat, UnmappedGroup } from './import-result.js';
export { exportDeforumFile } from './export-deforum-file.js';
export { exportPreset } from './export-preset.js';
export { checkSettings, type SettingsReport } from './check-settings.js';
export { NO_EFFECT_SETTINGS, noEffectRulesFor, type NoEffectRule } from './no-effect-settings.js';
export { SCHEDULE_SETTINGS, isScheduleInUse, scheduleVariables } from './schedule-settings.js';
export { mediaReferences, type MediaReference } from './media-references.js';
export { listPresets, findPreset, resolvePreset, loadPreset } from './presets.js';
export type { PresetFile } from './preset-file.js';

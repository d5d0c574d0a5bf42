/**
 * Validates a (partial) settings object over the notebook defaults and reports every problem at once:
 * values that break the schema are errors; unknown keys (with a did-you-mean), unused broken schedules,
 * sizes the renderer will round and URLs the run would fetch are warnings (style.md B3: parsers return
 * results, the boundary throws).
 */
import { DeforumError, type SettingsIssue } from '../errors.js';
import { DEFAULT_SETTINGS } from './defaults.js';
import { didYouMean } from './did-you-mean.js';
import { displayValue } from './display-value.js';
import { mediaReferences } from './media-references.js';
import { NOTEBOOK_RUNTIME_KEYS } from './notebook-keys.js';
import { checkSettingSchedules } from './schedule-settings.js';
import { deforumSettingsSchema, isSettingName, SETTING_NAMES, type DeforumSettings } from './schema.js';
import { toSettingsIssues } from './zod-issues.js';

export type SettingsParseResult =
  | { ok: true; settings: DeforumSettings; warnings: SettingsIssue[] }
  | { ok: false; errors: SettingsIssue[]; warnings: SettingsIssue[] };

const RUNTIME_KEYS: ReadonlySet<string> = new Set(NOTEBOOK_RUNTIME_KEYS);

export function parseSettings(partial: Readonly<Record<string, unknown>>): SettingsParseResult {
  const warnings: SettingsIssue[] = [];
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(partial)) {
    if (isSettingName(key)) known[key] = value;
    else if (!RUNTIME_KEYS.has(key)) warnings.push(unknownKeyWarning(key, value));
  }
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS, ...known };
  const parsed = deforumSettingsSchema.safeParse(merged);
  const schedules = checkSettingSchedules(merged);
  warnings.push(...schedules.warnings);
  const errors = [...(parsed.success ? [] : toSettingsIssues(parsed.error.issues, merged)), ...schedules.errors];
  if (!parsed.success || errors.length > 0) return { ok: false, errors, warnings };
  warnings.push(...sizeWarnings(parsed.data), ...urlWarnings(parsed.data));
  return { ok: true, settings: parsed.data, warnings };
}

/** The boundary form: the settings, or one DeforumError listing every problem. */
export function parseSettingsOrThrow(partial: Readonly<Record<string, unknown>>, source: string): DeforumSettings {
  const result = parseSettings(partial);
  if (result.ok) return result.settings;
  throw settingsInvalidError(result.errors, source);
}

export function settingsInvalidError(issues: SettingsIssue[], source: string): DeforumError {
  const lines = issues.map(
    (issue) => `  ${issue.message}${issue.given === undefined ? '' : ` (given ${issue.given})`}`,
  );
  return new DeforumError(
    { code: 'settings_invalid', issues },
    `${source} has ${issues.length} invalid setting${issues.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
  );
}

function unknownKeyWarning(key: string, value: unknown): SettingsIssue {
  const suggestion = didYouMean(key, SETTING_NAMES);
  const issue: SettingsIssue = {
    setting: key,
    message:
      suggestion === undefined
        ? `${key} is not a Deforum setting; it is ignored`
        : `${key} is not a Deforum setting; it is ignored (did you mean ${suggestion}?)`,
    given: displayValue(value),
  };
  if (suggestion !== undefined) issue.didYouMean = suggestion;
  return issue;
}

/** The notebook rounds W and H down to a multiple of 64 in its form (spec §0); the renderer does the same. */
function sizeWarnings(settings: DeforumSettings): SettingsIssue[] {
  return (['W', 'H'] as const)
    .filter((key) => settings[key] % 64 !== 0)
    .map((key) => ({
      setting: key,
      message: `${key} ${settings[key]} is not a multiple of 64; the render uses ${settings[key] - (settings[key] % 64)}`,
      given: String(settings[key]),
      allowed: 'a multiple of 64',
    }));
}

function urlWarnings(settings: DeforumSettings): SettingsIssue[] {
  return mediaReferences(settings)
    .filter((reference) => reference.isUrl)
    .map((reference) => ({
      setting: reference.setting,
      message: `${reference.setting} is a URL; the machine that renders must be able to download it`,
      given: displayValue(reference.value),
    }));
}

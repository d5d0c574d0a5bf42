/**
 * The settings checker behind `deforum settings check`: imports a parsed JSON value from any supported tool,
 * validates it, and gathers everything a user should know in one report. Only schema errors make a file
 * unusable; the rest are warnings and notes.
 */
import { guidanceRefusals, refusalMessage } from '../diffusion/guidance/refused-guidance.js';
import type { SettingsIssue } from '../errors.js';
import { DEFAULT_SETTINGS } from './defaults.js';
import { displayValue } from './display-value.js';
import type { ImportedSettings, SettingsFormat, UnmappedGroup } from './import-result.js';
import { importSettings } from './import-settings.js';
import { noEffectRulesFor } from './no-effect-settings.js';
import { parseSettings } from './parse-settings.js';
import { deforumSettingsSchema, type DeforumSettings } from './schema.js';

export interface SettingsReport {
  format: SettingsFormat;
  /** Present when there are no errors. */
  settings?: DeforumSettings;
  errors: SettingsIssue[];
  warnings: SettingsIssue[];
  /** Settings the file sets away from their default that change nothing in this engine. */
  noEffect: SettingsIssue[];
  /** Settings `deforum render` refuses before any model runs (guidance that needs a gradient model, …). */
  refused: SettingsIssue[];
  notes: string[];
  unmapped: UnmappedGroup[];
  runtimeKeys: string[];
  /** The setting names the file set itself (after import), to tell a file's choice from a default. */
  given: string[];
  name?: string;
  description?: string;
}

const DEFAULTS: DeforumSettings = deforumSettingsSchema.parse(DEFAULT_SETTINGS);

export function checkSettings(json: unknown): SettingsReport {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      format: 'notebook',
      errors: [
        { setting: '(file)', message: 'a settings file holds one JSON object of settings', given: displayValue(json) },
      ],
      warnings: [],
      noEffect: [],
      refused: [],
      notes: [],
      unmapped: [],
      runtimeKeys: [],
      given: [],
    };
  }
  const imported = importSettings(json as Record<string, unknown>);
  const parsed = parseSettings(imported.settings);
  const report: SettingsReport = {
    format: imported.format,
    errors: parsed.ok ? [] : parsed.errors,
    warnings: parsed.warnings,
    noEffect: parsed.ok ? noEffectIssues(parsed.settings, imported) : [],
    refused: parsed.ok
      ? guidanceRefusals(parsed.settings).map((r) => ({
          setting: r.setting,
          message: refusalMessage(r),
          given: r.given,
        }))
      : [],
    notes: imported.notes,
    unmapped: imported.unmapped,
    runtimeKeys: imported.runtimeKeys,
    given: Object.keys(imported.settings),
  };
  if (parsed.ok) report.settings = parsed.settings;
  if (imported.name !== undefined) report.name = imported.name;
  if (imported.description !== undefined) report.description = imported.description;
  return report;
}

function noEffectIssues(settings: DeforumSettings, imported: ImportedSettings): SettingsIssue[] {
  return noEffectRulesFor(settings)
    .filter((rule) => Object.hasOwn(imported.settings, rule.setting))
    .filter((rule) => JSON.stringify(settings[rule.setting]) !== JSON.stringify(DEFAULTS[rule.setting]))
    .map((rule) => ({
      setting: rule.setting,
      message: `${rule.setting} has no effect: ${rule.reason}`,
      given: displayValue(settings[rule.setting]),
    }));
}

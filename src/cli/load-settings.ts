/**
 * Reads and validates a settings file for commands that need usable settings (render, convert): any problem the
 * checker calls an error stops the command with every problem listed.
 */
import { checkSettings, type SettingsReport } from '../core/settings/check-settings.js';
import { settingsInvalidError } from '../core/settings/parse-settings.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { readSettingsFile } from './read-settings-file.js';

export type ValidSettingsReport = SettingsReport & { settings: DeforumSettings };

export async function loadSettingsFile(file: string): Promise<ValidSettingsReport> {
  const report = checkSettings(await readSettingsFile(file));
  if (report.settings === undefined) throw settingsInvalidError(report.errors, file);
  return { ...report, settings: report.settings };
}

/**
 * Turns zod issues into SettingsIssues a user can act on: the setting's name, what the file gave, what is
 * allowed (the field's description), and a close option when an enum value looks misspelled.
 */
import type { z } from 'zod';
import type { SettingsIssue } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { displayValue } from './display-value.js';
import { isSettingName, settingsShape } from './schema.js';

export function toSettingsIssues(
  issues: readonly z.core.$ZodIssue[],
  input: Readonly<Record<string, unknown>>,
): SettingsIssue[] {
  const seen = new Set<string>();
  const result: SettingsIssue[] = [];
  for (const issue of issues) {
    const setting = String(issue.path[0] ?? '(file)');
    // zod reports one issue per failed check; a user needs one line per setting.
    if (seen.has(setting)) continue;
    seen.add(setting);
    const given = input[setting];
    const allowed = isSettingName(setting) ? settingsShape[setting].description : undefined;
    const entry: SettingsIssue = {
      setting,
      message: allowed === undefined ? `${setting}: ${issue.message}` : `${setting} must be ${allowed}`,
      given: displayValue(given),
    };
    if (allowed !== undefined) entry.allowed = allowed;
    const options =
      issue.code === 'invalid_value' ? issue.values.filter((v): v is string => typeof v === 'string') : [];
    const suggestion = typeof given === 'string' && options.length > 0 ? didYouMean(given, options) : undefined;
    if (suggestion !== undefined) entry.didYouMean = suggestion;
    result.push(entry);
  }
  return result;
}

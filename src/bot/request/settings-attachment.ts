/**
 * A settings file attached to /deforum animate (a notebook `*_settings.txt`/.json, an A1111 extension file, or a
 * preset of ours) → the Deforum settings it holds, to be the request's base. The file is imported by
 * core/settings, so it is read exactly as `deforum settings check` reads it; what the import could not carry
 * (extension features with no equivalent, renamed options) comes back as warnings. Its values are validated
 * with the rest of the request (buildAnimateSettings with `baseField: 'settings'`), so a bad value in the file
 * can still be fixed by an Overrides line.
 */
import { isDeforumError } from '../../core/errors.js';
import { importSettings } from '../../core/settings/import-settings.js';
import { parseJsonText } from '../../core/settings/json-text.js';
import type { RequestProblem } from './animate-request.js';

export type SettingsAttachmentResult =
  { ok: true; settings: Record<string, unknown>; warnings: string[] } | { ok: false; problems: RequestProblem[] };

export function importSettingsAttachment(text: string, filename: string): SettingsAttachmentResult {
  let json: unknown;
  try {
    json = parseJsonText(text, filename);
  } catch (error) {
    if (!isDeforumError(error)) throw error;
    return refuse(`${error.message} Attach the settings file as Deforum saved it.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return refuse(`${filename} is not a settings file: it must hold one JSON object of settings ({ "W": 512, … }).`);
  }
  const imported = importSettings(json as Record<string, unknown>);
  const warnings = [
    ...imported.notes.map((note) => `${filename}: ${note}`),
    ...imported.unmapped.map(
      (group) =>
        `${filename}: ${group.group} has no equivalent here and is ignored (${group.keys.slice(0, 4).join(', ')}` +
        `${group.keys.length > 4 ? ` and ${group.keys.length - 4} more` : ''})`,
    ),
  ];
  return { ok: true, settings: imported.settings, warnings };
}

function refuse(message: string): SettingsAttachmentResult {
  return { ok: false, problems: [{ field: 'settings', message }] };
}

/**
 * Warns about the media paths a run would read (init image, mask, videos, guidance images) that do not exist
 * on this machine. Relative paths are taken from the current directory, as the notebook does.
 */
import { existsSync } from 'node:fs';
import type { SettingsIssue } from '../core/errors.js';
import { mediaReferences } from '../core/settings/media-references.js';
import type { DeforumSettings } from '../core/settings/schema.js';

export function missingMediaWarnings(settings: DeforumSettings): SettingsIssue[] {
  return mediaReferences(settings)
    .filter((reference) => !reference.isUrl && !existsSync(reference.value))
    .map((reference) => ({
      setting: reference.setting,
      message: `${reference.setting} ${JSON.stringify(reference.value)} does not exist on this machine; the run needs it`,
      given: JSON.stringify(reference.value),
    }));
}

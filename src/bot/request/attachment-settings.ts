/**
 * What the request's attachments switch on. A worker reads media only from the files uploaded with the job
 * (worker/job-media.ts), never from a path in the settings, so an attached init sets `use_init` (its strength
 * stays the settings' `strength`) and clears `init_image`, an attached mask sets `use_mask` and clears `mask_file`,
 * and an attached video clears `video_init_path` (hybrid video reads the upload). A preset that turns use_init or
 * use_mask on without a file is rendered without it, with a warning; an Overrides line that does is a problem.
 * Whether the files fit the rest of the settings is checked on the parsed settings (engine-checks.ts).
 */
import type { AnimateInput, RequestProblem } from './animate-request.js';

export interface AttachmentSettings {
  settings: Record<string, unknown>;
  problems: RequestProblem[];
  warnings: string[];
}

export function applyAttachments(
  merged: Readonly<Record<string, unknown>>,
  attachments: AnimateInput['attachments'],
  overrides: Readonly<Record<string, unknown>>,
  baseName: string,
): AttachmentSettings {
  const settings: Record<string, unknown> = { ...merged };
  const problems: RequestProblem[] = [];
  const warnings: string[] = [];
  const requireFile = (setting: 'use_init' | 'use_mask', field: 'init_image' | 'mask', what: string): void => {
    if (settings[setting] !== true) return;
    if (Object.hasOwn(overrides, setting)) {
      problems.push({
        field,
        message: `${setting} = true needs ${what}. Attach one with the ${field} option of /deforum animate, or remove the \`${setting}\` line.`,
      });
    } else {
      settings[setting] = false;
      warnings.push(
        `${baseName} turns on ${setting}, but files are read only from attachments: attach ${what} to use one.`,
      );
    }
  };
  if (attachments.init) {
    settings['use_init'] = true;
    settings['init_image'] = null;
  } else {
    requireFile('use_init', 'init_image', 'an init image');
  }
  if (attachments.mask) {
    settings['use_mask'] = true;
    settings['mask_file'] = '';
  } else if (settings['use_alpha_as_mask'] !== true) {
    requireFile('use_mask', 'mask', 'a mask image');
  }
  if (attachments.video) settings['video_init_path'] = '';
  return { settings, problems, warnings };
}

/**
 * Settings a Discord user may not set by typing: anything that names a file, folder or URL. A worker reads only
 * the files uploaded with the request (render-job.ts loads the init from storage, never from a path), and the bot
 * keeps the outputs itself, so a typed path is at best ignored and at worst a probe of the server's disk.
 *
 * The input files are the settings the schema describes as "a file path or an http(s) URL" (init_image,
 * mask_file, video_init_path, video_mask_path, init_mse_image, colormatch_image: media-references.ts); output
 * folders and other paths are recognised by name (`outdir`, `ffmpeg_mp4_path`, an imported `soundtrack_path`).
 * Any other text value that is a URL or an absolute path is refused too.
 */
import { isSettingName, settingsShape } from '../../core/settings/schema.js';
import type { RequestProblem } from './animate-request.js';

const PATH_NAME = /(?:^|_)(?:outdir|dir|path|folder)$/;
const URL_OR_ABSOLUTE_PATH = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/|~[/\\]|[a-z]:[\\/]|\\\\)/i;

function isInputFileSetting(key: string): boolean {
  return isSettingName(key) && (settingsShape[key].description ?? '').includes('file path');
}

/** The problem with `key = value` when it names a path or URL, else null. */
export function refusedOverride(key: string, value: unknown): RequestProblem | null {
  if (isInputFileSetting(key)) {
    return {
      field: 'overrides',
      message:
        `${key} names a file on the server or a URL, which the bot never reads. Remove the \`${key}\` line and ` +
        'attach the file instead (the init_image, mask or video option of /deforum animate).',
    };
  }
  if (PATH_NAME.test(key)) {
    return {
      field: 'overrides',
      message: `${key} names a folder or file on the server; the bot stores every file itself. Remove the \`${key}\` line.`,
    };
  }
  if (typeof value === 'string' && URL_OR_ABSOLUTE_PATH.test(value.trim())) {
    return {
      field: 'overrides',
      message:
        `${key} = ${value.trim().slice(0, 60)} looks like a URL or a server path, which the bot never reads. ` +
        `Remove the \`${key}\` line, or attach the file instead.`,
    };
  }
  return null;
}

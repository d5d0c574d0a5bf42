/**
 * Which videos a render makes, from the notebook's video-cell settings (spec §20), for the run's own frames:
 * - `skip_video_for_run_all`: no video when the settings file sets it to true. Its notebook default (true) is the
 *   notebook's Run-All button, and notebook settings files do not save the video cell, so a file that does not set
 *   it gets the video (docs/deviations.md, "Video creation settings").
 * - `create_gif` (or `--gif`): a GIF beside the MP4.
 * - `ffmpeg_fps` (or `--fps`): the frame rate.
 * - `ffmpeg_mode`: `auto` names the videos `{timestring}.mp4/.gif`; `manual` takes `ffmpeg_mp4_path` and
 *   `ffmpeg_gif_path` (empty: the auto name) and caps the video at `ffmpeg_maxframes`, as the notebook takes them
 *   verbatim; `timestring` re-encodes an earlier run in the notebook, and a render encodes its own run, so it names
 *   the videos as `auto` does.
 * - `ffmpeg_maxframes` caps the video in `manual` mode only: `auto` and `timestring` overwrite it with the run's
 *   frame count in the notebook, so those videos hold every frame (without the depth-map over-count, item 51).
 * Every path setting is relative to the output folder: an absolute path or a `..` is refused, so a settings file
 * can never make a render write outside `--out`. Pure: names only, no file system.
 */
import path from 'node:path';

import { DeforumError, type SettingsIssue } from '../errors.js';
import type { DeforumSettings } from '../settings/schema.js';

export interface VideoPlanInput {
  settings: DeforumSettings;
  out: string;
  timestring: string;
  /** Frames the render writes. */
  frameCount: number;
  /** Setting names the settings file set itself. */
  given: ReadonlySet<string>;
  /** `--fps`, over `ffmpeg_fps`. */
  fps?: number | undefined;
  /** `--gif`: a GIF even when `create_gif` is off or the video is skipped. */
  gif?: boolean | undefined;
}

export interface VideoPlan {
  /** The MP4 to encode while rendering, or null for none. */
  mp4: string | null;
  gif: string | null;
  fps: number;
  /** Frames in the videos: the first `frameCount` frames of the run. */
  frameCount: number;
  /** Settings given but not used by this render, in words for the user. */
  notes: string[];
}

const PATH_SETTINGS = ['ffmpeg_outdir', 'ffmpeg_image_path', 'ffmpeg_mp4_path', 'ffmpeg_gif_path'] as const;

export function planVideo(input: VideoPlanInput): VideoPlan {
  const { settings, out, timestring, given } = input;
  checkPaths(settings, out);
  const manual = settings.ffmpeg_mode === 'manual';
  const frameCount = manual ? Math.min(input.frameCount, settings.ffmpeg_maxframes) : input.frameCount;
  const skip = videoSkipped(settings, given);
  const named = (setting: 'ffmpeg_mp4_path' | 'ffmpeg_gif_path', extension: string): string =>
    path.resolve(out, manual && settings[setting] !== '' ? settings[setting] : `${timestring}.${extension}`);
  const notes: string[] = [];
  if (manual && settings.ffmpeg_image_path !== '') {
    notes.push('ffmpeg_image_path is not used: a render encodes its own frames as they are made');
  }
  if (settings.ffmpeg_mode === 'timestring') {
    notes.push(
      'ffmpeg_mode timestring re-encodes an earlier run in the notebook; a render encodes its own frames (as auto)',
    );
  }
  return {
    mp4: skip ? null : named('ffmpeg_mp4_path', 'mp4'),
    gif: input.gif === true || (!skip && settings.create_gif) ? named('ffmpeg_gif_path', 'gif') : null,
    fps: input.fps ?? settings.ffmpeg_fps,
    frameCount,
    notes,
  };
}

/** `skip_video_for_run_all` as a render reads it: true only when the settings file sets it (see above). */
export function videoSkipped(settings: DeforumSettings, given: ReadonlySet<string>): boolean {
  return given.has('skip_video_for_run_all') && settings.skip_video_for_run_all;
}

function checkPaths(settings: DeforumSettings, out: string): void {
  const root = path.resolve(out);
  const issues: SettingsIssue[] = PATH_SETTINGS.filter((setting) => {
    const value = settings[setting];
    if (value === '') return false;
    const resolved = path.resolve(root, value);
    return (
      path.isAbsolute(value) ||
      value.split(/[\\/]/).includes('..') ||
      (resolved !== root && !resolved.startsWith(root + path.sep))
    );
  }).map((setting) => ({
    setting,
    message: 'must be a path inside the output folder (--out): no absolute path and no ..',
    given: settings[setting],
    allowed: 'a relative path such as videos/run.mp4',
  }));
  if (issues.length === 0) return;
  throw new DeforumError(
    { code: 'settings_invalid', issues },
    `${issues.map((issue) => `${issue.setting} = ${issue.given ?? ''}`).join(', ')}: video paths are relative to the ` +
      `output folder ${out}. Remove the leading / or the .. (or clear the setting to use {timestring}.mp4).`,
  );
}

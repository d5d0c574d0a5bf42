/** The video-creation settings as a render reads them (spec §20), and the refusal of paths outside --out. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { DeforumError } from '../../../src/core/errors.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings/defaults.js';
import { deforumSettingsSchema, type DeforumSettings } from '../../../src/core/settings/schema.js';
import { planVideo } from '../../../src/core/video/video-plan.js';

const OUT = '/renders/run';
const TS = '20240101120000';

function plan(overrides: Partial<DeforumSettings>, given: string[] = Object.keys(overrides), extra = {}) {
  const settings = { ...deforumSettingsSchema.parse(DEFAULT_SETTINGS), ...overrides };
  return planVideo({ settings, out: OUT, timestring: TS, frameCount: 300, given: new Set(given), ...extra });
}

describe('planVideo', () => {
  it('makes {timestring}.mp4 of every frame at ffmpeg_fps by default (the notebook default skip is not in files)', () => {
    expect(plan({}, [])).toEqual({ mp4: path.join(OUT, `${TS}.mp4`), gif: null, fps: 12, frameCount: 300, notes: [] });
  });

  it('skips the video when the file sets skip_video_for_run_all, unless --gif asks for a GIF', () => {
    expect(plan({ skip_video_for_run_all: true })).toMatchObject({ mp4: null, gif: null });
    expect(plan({ skip_video_for_run_all: true }, undefined, { gif: true }).gif).toBe(path.join(OUT, `${TS}.gif`));
  });

  it('adds a GIF with create_gif and takes --fps over ffmpeg_fps', () => {
    expect(plan({ create_gif: true, ffmpeg_fps: 24 })).toMatchObject({ gif: path.join(OUT, `${TS}.gif`), fps: 24 });
    expect(plan({ ffmpeg_fps: 24 }, undefined, { fps: 8 }).fps).toBe(8);
  });

  it('caps the video at ffmpeg_maxframes and takes the paths in manual mode only', () => {
    const manual = plan({ ffmpeg_mode: 'manual', ffmpeg_maxframes: 200, ffmpeg_mp4_path: 'videos/a.mp4' });
    expect(manual).toMatchObject({ mp4: path.join(OUT, 'videos/a.mp4'), frameCount: 200 });
    expect(plan({ ffmpeg_maxframes: 200, ffmpeg_mp4_path: 'videos/a.mp4' })).toMatchObject({
      mp4: path.join(OUT, `${TS}.mp4`),
      frameCount: 300,
    });
  });

  it.each([
    ['ffmpeg_mp4_path', '/etc/cron.d/x.mp4'],
    ['ffmpeg_gif_path', '../elsewhere.gif'],
    ['ffmpeg_outdir', 'a/../../b'],
    ['ffmpeg_image_path', '..'],
  ] as const)('refuses %s = %s: never writes outside --out', (setting, value) => {
    const error: unknown = (() => {
      try {
        plan({ ffmpeg_mode: 'manual', [setting]: value });
        return null;
      } catch (e: unknown) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'settings_invalid', issues: [{ setting }] });
    expect((error as DeforumError).message).toMatch(/relative to the output folder/);
  });
});

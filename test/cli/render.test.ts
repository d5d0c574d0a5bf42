/**
 * `deforum render --preview`, the README's main job, as a user runs it: the real bin script, the real sharp and
 * ffmpeg. Checks what a user gets (frames, settings file, a video with exactly the frames asked for) and that
 * mistakes end in one clear line and a non-zero exit.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/core/image/codec.js';
import { sampleFromPixels, sampleToPixels } from '../../src/core/image/frame-noise.js';
import type { RawImage } from '../../src/core/image/raw-image.js';
import { probeVideo } from '../support/ffprobe.js';
import { runDeforum, STACK_TRACE } from '../support/run-cli.js';
import { writeTinyExport } from '../support/tiny-onnx.js';
import { REPO_ROOT } from '../support/shared-dirs.js';

const PRESET = path.join(REPO_ROOT, 'presets/slow-zoom-2d.json');
const INIT = path.join(REPO_ROOT, 'assets/demo-init.png');

const throughSample = (image: RawImage<'u8'>): RawImage<'u8'> => sampleToPixels(sampleFromPixels(image));

function freshDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'deforum-render-'));
}

function settingsFile(settings: Record<string, unknown>): string {
  const file = path.join(freshDir(), 'settings.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

describe('deforum render --preview', () => {
  it('writes the frames, the settings file and an MP4 with exactly the frames asked for', async () => {
    const out = freshDir();
    const run = runDeforum(['render', PRESET, '--preview', '--init', INIT, '--out', out, '--frames', '12', '--gif']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const files = readdirSync(out).sort();
    const frames = files.filter((name) => /^\d{14}_\d{5}\.png$/.test(name));
    expect(frames).toHaveLength(12);
    expect(frames.at(-1)).toMatch(/_00011\.png$/);
    const timestring = frames[0]?.slice(0, 14) ?? '';
    expect(run.stdout.trim().split('\n')).toStrictEqual([
      path.join(out, `${timestring}.mp4`),
      path.join(out, `${timestring}.gif`),
    ]);

    const mp4 = await probeVideo(path.join(out, `${timestring}.mp4`));
    expect(mp4).toMatchObject({
      codec_name: 'h264',
      pix_fmt: 'yuv420p',
      width: 512,
      height: 512,
      nb_read_frames: '12',
    });
    expect((await probeVideo(path.join(out, `${timestring}.gif`))).nb_read_frames).toBe('12');

    const saved = JSON.parse(readFileSync(path.join(out, `${timestring}_settings.txt`), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(saved).toMatchObject({ animation_mode: '2D', max_frames: 12, zoom: '0:(1.015)' });
  });

  it('starts from the init image and moves it: frame 0 is the init, the last frame is zoomed in', async () => {
    const out = freshDir();
    const run = runDeforum(['render', PRESET, '--preview', '--init', INIT, '--out', out, '--frames', '5']);
    expect(run.status).toBe(0);
    const frames = readdirSync(out)
      .filter((name) => name.endsWith('.png'))
      .sort();
    const init = await decodeImage(INIT, { size: { width: 512, height: 512 } });
    const first = await decodeImage(path.join(out, frames[0] ?? ''));
    const last = await decodeImage(path.join(out, frames[4] ?? ''));
    // The loop carries frames as float16 samples, as a render does: frame 0 is the init after that one pass.
    expect(Buffer.from(first.data).equals(Buffer.from(throughSample(init).data))).toBe(true);
    expect(Buffer.from(last.data).equals(Buffer.from(init.data))).toBe(false);
  });

  it('renders a 3D file along its 3D camera path: frames and an MP4 with exactly the frames asked for', async () => {
    const out = freshDir();
    const preset = path.join(REPO_ROOT, 'presets/fly-through-3d.json');
    const run = runDeforum(['render', preset, '--preview', '--init', INIT, '--out', out, '--frames', '4']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const frames = readdirSync(out)
      .filter((name) => /^\d{14}_\d{5}\.png$/.test(name))
      .sort();
    expect(frames).toHaveLength(4);
    const timestring = frames[0]?.slice(0, 14) ?? '';
    expect(run.stdout.trim()).toBe(path.join(out, `${timestring}.mp4`));
    expect(await probeVideo(path.join(out, `${timestring}.mp4`))).toMatchObject({ width: 512, nb_read_frames: '4' });
    const init = await decodeImage(INIT, { size: { width: 512, height: 512 } });
    const first = await decodeImage(path.join(out, frames[0] ?? ''));
    const last = await decodeImage(path.join(out, frames[3] ?? ''));
    expect(Buffer.from(first.data).equals(Buffer.from(throughSample(init).data))).toBe(true);
    expect(Buffer.from(last.data).equals(Buffer.from(init.data))).toBe(false);
  });

  it('warns about misspelled settings but still renders', () => {
    const file = settingsFile({ animation_mode: '2D', max_frames: 3, zoom_: '0:(1.1)' });
    const run = runDeforum(['render', file, '--preview', '--init', INIT, '--out', freshDir()]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('warning: zoom_ is not a Deforum setting; it is ignored (did you mean zoom?)');
  });

  it.each([
    ['without an init image', [PRESET, '--preview'], /--init: --preview needs a first frame/],
    [
      'for a Video Input file',
      [settingsFile({ animation_mode: 'Video Input', max_frames: 3 }), '--preview', '--init', INIT],
      /animation_mode is Video Input: the render loop runs '2D' and '3D'/,
    ],
    [
      'for an Interpolation file',
      [settingsFile({ animation_mode: 'Interpolation', max_frames: 3 }), '--preview', '--init', INIT],
      /animation_mode is Interpolation/,
    ],
    ['for an image that is not one', [PRESET, '--preview', '--init', PRESET], /Cannot read the image/],
    [
      'for a negative frame count',
      [PRESET, '--preview', '--init', INIT, '--frames', '-4'],
      /--frames: '-4' is not a whole number/,
    ],
    ['for a file that is not JSON', [path.join(REPO_ROOT, 'README.md'), '--preview'], /is not valid JSON at line 1/],
  ])('fails with one clear line %s', (_case, args, message) => {
    const run = runDeforum(['render', ...args, '--out', freshDir()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('refuses a motion schedule that is infinite on some frame, naming the setting and frames', () => {
    const file = settingsFile({ animation_mode: '2D', max_frames: 4, zoom: '0:(1/t)' });
    const run = runDeforum(['render', file, '--preview', '--init', INIT, '--out', freshDir()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/zoom: the value is infinite or undefined at frame 0/);
  });

  it('warns that translation is ignored when the 2D perspective flip is on, as in Deforum', () => {
    const file = settingsFile({
      animation_mode: '2D',
      max_frames: 2,
      flip_2d_perspective: true,
      translation_x: '0:(5)',
    });
    const run = runDeforum(['render', file, '--preview', '--init', INIT, '--out', freshDir()]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/flip_2d_perspective on, Deforum ignores translation_x and translation_y/);
  });
});

describe('deforum render (with diffusion)', () => {
  it.each([
    ['2D, cadence 1', { animation_mode: '2D' }],
    [
      '3D with depth, cadence 2',
      { animation_mode: '3D', use_depth_warping: true, midas_weight: 1, diffusion_cadence: '2' },
    ],
  ])('renders %s with tiny models: frames, settings file and an MP4 of max_frames frames', async (_case, mode) => {
    const models = writeTinyExport(freshDir(), { midas: {} });
    const file = settingsFile({ ...mode, W: 64, H: 64, max_frames: 3, steps: 2, seed: 7, sampler: 'euler' });
    const out = freshDir();
    const run = runDeforum(['render', file, '--models', models, '--init', INIT, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const frames = readdirSync(out).filter((name) => /^\d{14}_\d{5}\.png$/.test(name));
    expect(frames).toHaveLength(3);
    const timestring = frames[0]?.slice(0, 14) ?? '';
    expect(run.stdout.trim()).toBe(path.join(out, `${timestring}.mp4`));
    expect(await probeVideo(path.join(out, `${timestring}.mp4`))).toMatchObject({ width: 64, nb_read_frames: '3' });
    const saved = JSON.parse(readFileSync(path.join(out, `${timestring}_settings.txt`), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(saved).toMatchObject({ seed: 7, max_frames: 3 });
  });

  it.each([
    ['without --models', [PRESET, '--init', INIT], /--models: rendering needs a model folder: pass --models DIR/],
    [
      'with a models folder that does not exist',
      [PRESET, '--init', INIT, '--models', path.join(tmpdir(), 'no-such-models-folder')],
      /The model folder .*no-such-models-folder does not exist/,
    ],
    [
      'with a models folder that is not an ONNX export',
      [PRESET, '--init', INIT, '--models', REPO_ROOT],
      /is not a complete diffusers ONNX export: missing text_encoder\/model.onnx/,
    ],
    [
      'for a setting the loop cannot render yet, before loading any model',
      [
        settingsFile({ animation_mode: '2D', max_frames: 3, bit_depth_output: 32, color_force_grayscale: true }),
        '--models',
        REPO_ROOT,
      ],
      /color_force_grayscale is true: forced grayscale is applied to 8-bit frames only/,
    ],
  ])('fails with one clear line %s', (_case, args, message) => {
    const out = freshDir();
    const run = runDeforum(['render', ...args, '--out', out]);
    expect(run.stderr).toMatch(message);
    expect(run.status).toBe(1);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(readdirSync(out)).toEqual([]);
  });
});

/**
 * `deforum render` for the modes beside 2D/3D: Video Input (the video extracted into `<out>/inputframes`, its
 * mask video into `maskframes`), Interpolation and still images (`animation_mode = 'None'`). Reads what the engine
 * takes as values (init images, the mask image, extracted frames), loads the diffusion runtime and runs
 * renderDeforum. Video modes go through the same frame writer and encoder as 2D/3D (`runVideo`); stills are
 * written as the events name them, with the settings file only when `save_settings` (spec §16.1).
 */
import type { Checkpoint } from '../core/animation/checkpoint.js';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FrameSource } from '../core/animation/frame-source.js';
import { interpolationKeys } from '../core/animation/modes/interpolation.js';
import { planInterpolation } from '../core/animation/modes/interpolation-plan.js';
import type { RenderEvent } from '../core/animation/render-events.js';
import { renderDeforum, type DeforumRenderInput } from '../core/animation/render-deforum.js';
import { checkSupported } from '../core/animation/render-support.js';
import type { DeviceName } from '../core/diffusion/onnx/providers.js';
import { decodeImage } from '../core/image/codec.js';
import type { RawImage } from '../core/image/raw-image.js';
import { exportDeforumFile } from '../core/settings/export-deforum-file.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { usageError } from './cli-arguments.js';
import { loadFrameGenerator } from './load-frame-generator.js';
import { extractedFrames } from '../core/animation/extracted-frame-source.js';
import { localVideoPath } from './video-frames.js';
import { writeImageFile } from './write-image-file.js';

export interface ModeOptions {
  models: string;
  device: DeviceName;
  /** `--init` or the settings' local init image (a folder of images for stills). */
  initPath: string | undefined;
  /** `--video`: instead of video_init_path. */
  video?: string | undefined;
  /** `--mask`: instead of mask_file. */
  mask?: string | undefined;
  /** `--frames`: at most this many video frames. */
  frames?: number | undefined;
}

export interface ModeRun {
  out: string;
  timestring: string;
  /** Video Input and Interpolation: continue the stopped run from its checkpoint. */
  resumeFrom?: Checkpoint;
  /** Writes the settings file, the frames of `start` and the video (render.ts's renderRun). */
  runVideo: (
    settings: DeforumSettings,
    start: (signal: AbortSignal) => AsyncIterable<RenderEvent>,
  ) => Promise<string[]>;
}

export async function renderOtherMode(
  settings: DeforumSettings,
  options: ModeOptions,
  run: ModeRun,
): Promise<string[]> {
  checkSupported(settings);
  const inits = await readInits(settings, options.initPath);
  const mask = await readMask(settings, options);
  const video = settings.animation_mode === 'Video Input' ? await videoFrames(settings, options, run.out) : null;
  const maskVideo =
    video !== null && settings.use_mask_video
      ? await extractedFrames(settings, {
          videoPath: localVideoPath('video_mask_path', settings.video_mask_path),
          framesDir: path.join(run.out, 'maskframes'),
        })
      : null;
  const runtime = await loadFrameGenerator(options.models, settings, {
    device: options.device,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  });
  try {
    const input = (signal: AbortSignal): DeforumRenderInput => ({
      settings,
      generate: runtime.generate,
      timestring: run.timestring,
      inits,
      mask,
      video,
      maskVideo,
      signal,
      ...(run.resumeFrom !== undefined && { resumeFrom: run.resumeFrom }),
    });
    if (settings.animation_mode === 'None') return await writeStills(settings, run, input);
    const frameCount = video?.count ?? planInterpolationLength(settings);
    return await run.runVideo({ ...settings, max_frames: frameCount }, (signal) => renderDeforum(input(signal)));
  } finally {
    await runtime.release();
  }
}

function planInterpolationLength(settings: DeforumSettings): number {
  const keys = interpolationKeys(settings);
  return planInterpolation(keys, { keyFrames: settings.interpolate_key_frames, xFrames: settings.interpolate_x_frames })
    .length;
}

function videoFrames(settings: DeforumSettings, options: ModeOptions, out: string): Promise<FrameSource> {
  return extractedFrames(settings, {
    videoPath: options.video ?? localVideoPath('video_init_path', settings.video_init_path),
    framesDir: path.join(out, 'inputframes'),
    maxFrames: options.frames,
  });
}

/** The init image(s) at W×H; for stills a folder's PNG/JPEG files in name order, as the notebook lists them. */
async function readInits(settings: DeforumSettings, initPath: string | undefined): Promise<RawImage<'u8'>[]> {
  if (initPath === undefined || settings.animation_mode === 'Video Input') return [];
  const size = { width: settings.W, height: settings.H };
  const isFolder = settings.animation_mode === 'None' && (await stat(initPath)).isDirectory();
  if (!isFolder) return [await decodeImage(initPath, { size })];
  // The notebook keeps names whose text after the last dot is png, jpg or jpeg (case-sensitive), sorted.
  const names = (await readdir(initPath))
    .filter((name) => ['png', 'jpg', 'jpeg'].includes(name.split('.').pop() ?? ''))
    .sort();
  return Promise.all(names.map((name) => decodeImage(path.join(initPath, name), { size })));
}

/** The mask image with its alpha: `--mask`/`mask_file`, or the init's for `use_alpha_as_mask`; null without use_mask. */
export async function readMask(
  settings: DeforumSettings,
  options: Pick<ModeOptions, 'initPath' | 'mask'>,
): Promise<RawImage<'u8'> | null> {
  if (!settings.use_mask || (settings.animation_mode === 'Video Input' && settings.use_mask_video)) return null;
  if (settings.use_alpha_as_mask) {
    if (options.initPath === undefined || settings.animation_mode === 'Video Input') {
      throw usageError('--init', 'use_alpha_as_mask reads the mask from the init image; give an init image with alpha');
    }
    return decodeImage(options.initPath, { alpha: 'keep' });
  }
  const file = options.mask ?? settings.mask_file;
  if (/^https?:\/\//i.test(file)) {
    throw usageError(
      '--mask',
      `mask_file is a URL (${file}); download it and pass --mask FILE, or set use_mask to false`,
    );
  }
  return decodeImage(file, { alpha: 'keep' });
}

/** Stills: each `image:file` event written under the output folder; resolves with the files written. */
async function writeStills(
  settings: DeforumSettings,
  run: ModeRun,
  input: (signal: AbortSignal) => DeforumRenderInput,
): Promise<string[]> {
  await mkdir(run.out, { recursive: true });
  if (settings.save_settings) {
    await writeFile(path.join(run.out, `${run.timestring}_settings.txt`), exportDeforumFile(settings));
  }
  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  const files: string[] = [];
  try {
    for await (const event of renderDeforum(input(abort.signal))) {
      if (event.type === 'image:file') files.push(await writeImageFile(run.out, event));
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  return files;
}

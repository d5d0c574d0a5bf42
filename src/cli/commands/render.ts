/**
 * `deforum render SETTINGS --models DIR --out DIR`: the main job on this machine. The settings' 2D or 3D animation
 * is rendered by the engine's loop (core/animation/render-loop.ts) over the model folder's diffusion runtime, and
 * written as the notebook names frames (`{timestring}_{f:05}.png`), with the settings file and an MP4 of exactly
 * max_frames frames (and a GIF when asked). `--preview` runs the same loop without diffusion (motion-preview.ts):
 * no GPU or model needed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { motionPreview, motionPreviewSettings } from '../../core/animation/motion-preview.js';
import { renderAnimation } from '../../core/animation/render-loop.js';
import { checkRenderable } from '../../core/animation/render-support.js';
import { resolveSeed } from '../../core/animation/seeds.js';
import { DEVICE_NAMES, type DeviceName } from '../../core/diffusion/onnx/providers.js';
import { decodeImage } from '../../core/image/codec.js';
import type { RawImage } from '../../core/image/raw-image.js';
import { exportDeforumFile } from '../../core/settings/export-deforum-file.js';
import type { DeforumSettings } from '../../core/settings/schema.js';
import { encodeGif, encodeMp4 } from '../../core/video/encode.js';
import { framePattern } from '../../core/video/frame-files.js';
import { usageError, wholeNumberOption } from '../cli-arguments.js';
import { loadFrameGenerator } from '../load-frame-generator.js';
import { loadSettingsFile } from '../load-settings.js';
import { timestringNow } from '../timestring.js';
import { writeRender, type RenderTarget } from '../write-render.js';

interface RenderOptions {
  out: string;
  models?: string;
  device: DeviceName;
  preview?: boolean;
  init?: string;
  frames?: number;
  fps?: number;
  gif?: boolean;
}

export function registerRenderCommand(program: Command): void {
  program
    .command('render')
    .description('Render an animation from a settings file (notebook, A1111 extension or preset JSON)')
    .argument('<settings>', 'settings file, e.g. presets/slow-zoom-2d.json')
    .requiredOption('--out <dir>', 'folder for the frames, the settings file and the video')
    .option('--models <dir>', 'a diffusers ONNX export of Stable Diffusion (see `deforum models fetch`)')
    .option('--device <name>', `where the models run: ${DEVICE_NAMES.join(', ')}`, deviceOption, 'cpu')
    .option('--preview', 'render the camera motion only, without diffusion (no GPU or model needed)')
    .option('--init <image>', 'the first frame (PNG/JPEG/WebP); stretched to W×H as Deforum does')
    .option('--frames <n>', 'render this many frames instead of max_frames', wholeNumberOption('--frames'))
    .option('--fps <n>', 'video frame rate instead of ffmpeg_fps', wholeNumberOption('--fps', 240))
    .option('--gif', 'also write a GIF (as create_gif does)')
    .action(async (file: string, options: RenderOptions) => {
      const { settings: loaded, warnings } = await loadSettingsFile(file);
      for (const warning of warnings) process.stderr.write(`warning: ${warning.message}\n`);
      const settings = runSettings(loaded, options);
      const video = options.preview === true ? await preview(settings, options) : await render(settings, options);
      process.stdout.write(`${video.join('\n')}\n`);
    });
}

function deviceOption(text: string): DeviceName {
  const device = DEVICE_NAMES.find((name) => name === text);
  if (device === undefined) throw usageError('--device', `'${text}' is not one of ${DEVICE_NAMES.join(', ')}`);
  return device;
}

/**
 * The settings of this run, as the notebook normalises them at startup (spec §0): W and H rounded down to
 * multiples of 64 (the form does it; H.264 also needs even sizes), a random seed for −1, and `--frames`.
 */
function runSettings(settings: DeforumSettings, options: RenderOptions): DeforumSettings {
  return {
    ...settings,
    W: settings.W - (settings.W % 64),
    H: settings.H - (settings.H % 64),
    seed: resolveSeed(settings.seed, Math.random),
    max_frames: options.frames ?? settings.max_frames,
  };
}

async function preview(settings: DeforumSettings, options: RenderOptions): Promise<string[]> {
  checkRenderable(motionPreviewSettings(settings));
  const initPath = options.init ?? localInitImage(settings);
  if (initPath === undefined) {
    throw usageError(
      '--init',
      '--preview needs a first frame: pass --init IMAGE (for example --init assets/demo-init.png)',
    );
  }
  warnAboutDroppedTranslation(settings);
  const init = await readInit(initPath, settings);
  return renderRun(settings, options, 'preview', (signal) => motionPreview({ settings, init, signal }));
}

async function render(settings: DeforumSettings, options: RenderOptions): Promise<string[]> {
  checkRenderable(settings);
  if (options.models === undefined) {
    throw usageError(
      '--models',
      'rendering needs a model folder: pass --models DIR (a diffusers ONNX export; `deforum models fetch` downloads ' +
        'one), or add --preview to render the camera motion without diffusion',
    );
  }
  const initPath = options.init ?? initImageOf(settings);
  warnAboutDroppedTranslation(settings);
  const init = initPath === undefined ? null : await readInit(initPath, settings);
  const runtime = await loadFrameGenerator(options.models, settings, {
    device: options.device,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  });
  try {
    return await renderRun(settings, options, 'render', (signal) =>
      renderAnimation({ settings, init, generate: runtime.generate, depthModel: runtime.depthModel, signal }),
    );
  } finally {
    await runtime.release();
  }
}

/** Writes the settings file, the frames as they come, then the video of exactly max_frames frames. */
async function renderRun(
  settings: DeforumSettings,
  options: RenderOptions,
  label: string,
  start: Parameters<typeof writeRender>[0],
): Promise<string[]> {
  const target: RenderTarget = {
    out: options.out,
    timestring: timestringNow(),
    frameCount: settings.max_frames,
    label,
  };
  await mkdir(target.out, { recursive: true });
  await writeFile(path.join(target.out, `${target.timestring}_settings.txt`), exportDeforumFile(settings));
  const count = await writeRender(start, target);
  const fps = options.fps ?? settings.ffmpeg_fps;
  const frames = { kind: 'pattern', directory: target.out, pattern: framePattern(target.timestring), count } as const;
  const mp4 = path.join(target.out, `${target.timestring}.mp4`);
  await encodeMp4({ frames, output: mp4, fps });
  if (options.gif !== true && !settings.create_gif) return [mp4];
  const gif = path.join(target.out, `${target.timestring}.gif`);
  await encodeGif({ frames, output: gif, fps });
  return [mp4, gif];
}

function readInit(file: string, settings: DeforumSettings): Promise<RawImage<'u8'>> {
  return decodeImage(file, { size: { width: settings.W, height: settings.H } });
}

/** The settings' own init image when it is a file on this machine (a preview fetches nothing). */
function localInitImage(settings: DeforumSettings): string | undefined {
  const image = settings.init_image;
  if (!settings.use_init || image === null || image === '' || /^https?:\/\//i.test(image)) return undefined;
  return image;
}

/** The render's init image: `init_image` with `use_init`; a URL is refused rather than silently left out. */
function initImageOf(settings: DeforumSettings): string | undefined {
  const image = localInitImage(settings);
  if (image === undefined && settings.use_init && settings.init_image !== null && settings.init_image !== '') {
    throw usageError(
      '--init',
      `init_image is a URL (${settings.init_image}); download it and pass --init FILE, or set use_init to false`,
    );
  }
  return image;
}

function warnAboutDroppedTranslation(settings: DeforumSettings): void {
  const moves = [settings.translation_x, settings.translation_y].some(
    (schedule) => !/^\s*0\s*:\s*\(\s*0\s*\)\s*$/.test(schedule),
  );
  if (settings.animation_mode === '2D' && settings.flip_2d_perspective && moves) {
    process.stderr.write(
      'warning: with flip_2d_perspective on, Deforum ignores translation_x and translation_y in 2D (kept for parity).\n',
    );
  }
}

/**
 * `deforum render SETTINGS --models DIR --out DIR`: the main job on this machine. The settings' 2D or 3D animation
 * is rendered by the engine's loop (core/animation/render-loop.ts) over the model folder's diffusion runtime (Video
 * Input, Interpolation and still images by render-modes.ts), and
 * written as the notebook names frames (`{timestring}_{f:05}.png`), with the settings file and an MP4 of exactly
 * max_frames frames (and a GIF when asked). `--preview` runs the same loop without diffusion (motion-preview.ts):
 * no GPU or model needed. A render stores its checkpoint after every frame; `--resume DIR` (or the notebook's
 * `resume_from_timestring`) continues a stopped run under its own timestring (resume-run.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { motionPreview, motionPreviewSettings } from '../../core/animation/motion-preview.js';
import { renderAnimation } from '../../core/animation/render-loop.js';
import { readSized, type FrameSource } from '../../core/animation/frame-source.js';
import { checkRenderable, checkSupported, isHybridActive } from '../../core/animation/render-support.js';
import { checkResumeSettings } from '../../core/animation/resume-settings.js';
import { resolveSeed } from '../../core/animation/seeds.js';
import { DEVICE_NAMES, type DeviceName } from '../../core/diffusion/onnx/providers.js';
import { decodeImage } from '../../core/image/codec.js';
import type { RawImage } from '../../core/image/raw-image.js';
import { exportDeforumFile } from '../../core/settings/export-deforum-file.js';
import type { DeforumSettings } from '../../core/settings/schema.js';
import { videoSkipped } from '../../core/video/video-plan.js';
import { checkpointPath, writeCheckpointFile } from '../checkpoint-file.js';
import { usageError, wholeNumberOption } from '../cli-arguments.js';
import { loadFrameGenerator, type LoadedFrameGenerator } from '../load-frame-generator.js';
import { loadSettingsFile } from '../load-settings.js';
import { readMask, renderOtherMode } from '../render-modes.js';
import { findStoppedRun, resumePointOf, type ResumePoint, type StoppedRun } from '../resume-run.js';
import { abortRunVideo, finishRunVideo, startRunVideo, type RunVideo, type RunVideoInput } from '../run-video.js';
import { timestringNow } from '../timestring.js';
import { hybridFrames } from '../video-frames.js';
import { writeRender, type RenderTarget } from '../write-render.js';

interface RenderOptions {
  out?: string;
  resume?: string;
  models?: string;
  device: DeviceName;
  preview?: boolean;
  init?: string;
  video?: string;
  mask?: string;
  frames?: number;
  fps?: number;
  gif?: boolean;
  audio?: string;
  /** Not a flag: the setting names the settings file set itself (video-plan.ts). */
  given?: ReadonlySet<string>;
}

export function registerRenderCommand(program: Command): void {
  program
    .command('render')
    .description('Render an animation from a settings file (notebook, A1111 extension or preset JSON)')
    .argument('[settings]', "settings file, e.g. presets/slow-zoom-2d.json (with --resume: the run's own)")
    .option('--out <dir>', 'folder for the frames, the settings file and the video')
    .option('--resume <dir>', 'continue the stopped render whose frames are in DIR, under its own timestring')
    .option('--models <dir>', 'a diffusers ONNX export of Stable Diffusion (see `deforum models fetch`)')
    .option('--device <name>', `where the models run: ${DEVICE_NAMES.join(', ')}`, deviceOption, 'cpu')
    .option('--preview', 'render the camera motion only, without diffusion (no GPU or model needed)')
    .option('--init <image>', 'the first frame (PNG/JPEG/WebP); stretched to W×H as Deforum does')
    .option('--frames <n>', 'render this many frames instead of max_frames', wholeNumberOption('--frames'))
    .option('--fps <n>', 'video frame rate instead of ffmpeg_fps', wholeNumberOption('--fps', 240))
    .option('--gif', 'also write a GIF (as create_gif does)')
    .option('--video <file>', 'Video Input and hybrid video: the video (instead of video_init_path)')
    .option('--mask <image>', 'use_mask: the mask image (instead of mask_file)')
    .option('--audio <file>', 'a soundtrack muxed into the MP4 (AAC; the video keeps every frame)')
    .action(async (file: string | undefined, options: RenderOptions) => {
      if (options.resume !== undefined && options.preview === true) {
        throw usageError(
          '--resume',
          'a preview renders in seconds and is not resumed; leave out --preview or --resume',
        );
      }
      const stopped = options.resume === undefined ? undefined : await findStoppedRun(options.resume);
      const settingsFile = file ?? stopped?.settingsFile;
      if (settingsFile === undefined) {
        throw usageError('<settings>', 'give a settings file, or --resume DIR to continue a stopped render');
      }
      const { settings: loaded, warnings, given } = await loadSettingsFile(settingsFile);
      for (const warning of warnings) process.stderr.write(`warning: ${warning.message}\n`);
      // A resumed run keeps its seed: seed −1 in a given file means the seed the run drew.
      const seed =
        stopped !== undefined && loaded.seed === -1
          ? (await loadSettingsFile(stopped.settingsFile)).settings.seed
          : loaded.seed;
      const run: RenderOptions = { ...options, given: new Set(given) };
      const chosen = runSettings({ ...loaded, seed }, run);
      const hybrid = run.preview !== true && isHybridActive(chosen) ? await hybridVideo(chosen, run) : null;
      // Hybrid video renders one frame per video frame (spec §12, item 28).
      const settings = hybrid === null ? chosen : { ...chosen, max_frames: hybrid.count };
      const video =
        run.preview === true
          ? await preview(settings, run)
          : await render(settings, run, await placeRun(settings, run, settingsFile, stopped), hybrid);
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
  const timestring = timestringNow();
  const placement: RunPlacement = {
    out: outputFolder(options),
    timestring,
    settingsTimestring: timestring,
    framesDone: 0,
  };
  return renderRun(settings, options, 'preview', (signal) => motionPreview({ settings, init, signal }), placement);
}

/** Where a render's frames go: a new run, or the run it continues (frames, checkpoint, timestring). */
interface RunPlacement extends ResumePoint {
  out: string;
  /** The frames' prefix. */
  timestring: string;
  /** The settings file's timestring; null with `--resume`, which continues a run that has one. */
  settingsTimestring: string | null;
  /** The command that continues this run after Ctrl-C. */
  resumeCommand?: string;
}

async function placeRun(
  settings: DeforumSettings,
  options: RenderOptions,
  settingsFile: string,
  stopped: StoppedRun | undefined,
): Promise<RunPlacement> {
  const out = outputFolder(options);
  // With resume_from_timestring the same command continues the run; otherwise it would start a new one.
  const sameCommand = stopped === undefined && settings.resume_from_timestring;
  const resumeCommand = ['deforum', 'render', ...(sameCommand ? [settingsFile, '--out', out] : ['--resume', out])]
    .concat(sameRunOptions(options))
    .map(shellWord)
    .join(' ');
  const now = timestringNow();
  if (stopped === undefined && !settings.resume_from_timestring) {
    return { out, timestring: now, settingsTimestring: now, framesDone: 0, resumeCommand };
  }
  // resume_from_timestring (spec §14): a new settings file under a new timestring, frames continuing the old one.
  const timestring = stopped?.timestring ?? settings.resume_timestring;
  const point = await resumePointOf(out, timestring, settings, stopped === undefined);
  if (point.resumeFrom !== undefined) checkResumeSettings(point.resumeFrom, settings);
  return { out, timestring, settingsTimestring: stopped === undefined ? now : null, ...point, resumeCommand };
}

function outputFolder(options: RenderOptions): string {
  if (options.resume !== undefined && options.out !== undefined && options.out !== options.resume) {
    throw usageError('--out', `a resumed run writes into its own folder (${options.resume}); leave out --out`);
  }
  const out = options.resume ?? options.out;
  if (out === undefined) throw usageError('--out', 'give the folder for the frames and the video: --out DIR');
  return out;
}

/** The options a continuation needs again (the settings file holds the rest, --frames included). */
function sameRunOptions(options: RenderOptions): string[] {
  return [
    ...(options.models === undefined ? [] : ['--models', options.models]),
    ...(options.device === 'cpu' ? [] : ['--device', options.device]),
    ...(options.init === undefined ? [] : ['--init', options.init]),
    ...(options.fps === undefined ? [] : ['--fps', String(options.fps)]),
    ...(options.gif === true ? ['--gif'] : []),
    ...(options.audio === undefined ? [] : ['--audio', options.audio]),
  ];
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The extracted frames of a hybrid run (video-frames.ts), `--video` and `--frames` as for Video Input. */
function hybridVideo(settings: DeforumSettings, options: RenderOptions): Promise<FrameSource> {
  checkRenderable(settings);
  return hybridFrames(settings, outputFolder(options), { video: options.video, maxFrames: options.frames });
}

async function render(
  settings: DeforumSettings,
  options: RenderOptions,
  placement: RunPlacement,
  hybrid: FrameSource | null,
): Promise<string[]> {
  const animated = settings.animation_mode === '2D' || settings.animation_mode === '3D';
  if (animated) checkRenderable(settings);
  else checkSupported(settings);
  if (options.models === undefined) {
    throw usageError(
      '--models',
      'rendering needs a model folder: pass --models DIR (a diffusers ONNX export; `deforum models fetch` downloads ' +
        'one), or add --preview to render the camera motion without diffusion',
    );
  }
  const initPath = options.init ?? (settings.animation_mode === 'Video Input' ? undefined : initImageOf(settings));
  if (!animated) {
    const { models, device, video, mask, frames } = options;
    // Video Input and Interpolation store checkpoints and resume; stills are rendered again rather than resumed.
    const { resumeCommand: _resume, ...fresh } = placement;
    const resumable = settings.animation_mode !== 'None';
    const { resumeFrom } = placement;
    return renderOtherMode(
      settings,
      { models, device, initPath, video, mask, frames },
      {
        out: placement.out,
        timestring: placement.timestring,
        ...(resumable && resumeFrom !== undefined && { resumeFrom }),
        runVideo: (modeSettings, start) =>
          renderRun(modeSettings, options, 'render', start, resumable ? placement : fresh),
      },
    );
  }
  warnAboutDroppedTranslation(settings);
  const init = await animationInit(settings, initPath, hybrid);
  const mask = await readMask(settings, { initPath, mask: options.mask });
  // ffmpeg starts before the models load (issue 6, "Speed"): forking it once they are in memory would stop the
  // loop for tens of milliseconds, and its own start-up (≈ 70 ms of CPU) would run beside the first frames.
  const video = await startRunVideo(runVideoInput(settings, options, placement));
  // Ctrl-C before the first frame (writeRender handles it from there on) stops the run with nothing to keep: the
  // MP4 just started goes with it rather than stay behind empty.
  const interruptedWhileLoading = (): void => {
    void abortRunVideo(video).finally(() => process.exit(130));
  };
  process.once('SIGINT', interruptedWhileLoading);
  let runtime: LoadedFrameGenerator;
  try {
    runtime = await loadFrameGenerator(options.models, settings, {
      device: options.device,
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    });
  } catch (error) {
    await abortRunVideo(video);
    throw error;
  } finally {
    process.off('SIGINT', interruptedWhileLoading);
  }
  try {
    const { resumeFrom } = placement;
    const { generate, depthModel } = runtime;
    return await renderRun(
      settings,
      options,
      'render',
      (signal) =>
        renderAnimation({
          settings,
          init,
          generate,
          depthModel,
          video: hybrid,
          mask,
          signal,
          ...(resumeFrom !== undefined && { resumeFrom }),
        }),
      placement,
      video,
    );
  } finally {
    await runtime.release();
  }
}

/**
 * Writes the settings file and the frames as they come, feeding the MP4 meanwhile (run-video.ts, started here
 * unless `started` is given); the settings file records whether this run made a video, so rendering it again does
 * the same.
 */
async function renderRun(
  settings: DeforumSettings,
  options: RenderOptions,
  label: string,
  start: Parameters<typeof writeRender>[0],
  placement: RunPlacement,
  started?: RunVideo,
): Promise<string[]> {
  const { out, timestring, framesDone, resumeCommand } = placement;
  const target: RenderTarget = {
    out,
    timestring,
    frameCount: settings.max_frames,
    label,
    framesDone,
    ...(resumeCommand !== undefined && {
      resumeCommand,
      saveCheckpoint: (checkpoint) => writeCheckpointFile(checkpointPath(out, timestring), checkpoint),
    }),
  };
  await mkdir(target.out, { recursive: true });
  const { settingsTimestring } = placement;
  const given = options.given ?? new Set<string>();
  if (settingsTimestring !== null) {
    await writeFile(
      path.join(out, `${settingsTimestring}_settings.txt`),
      exportDeforumFile({ ...settings, skip_video_for_run_all: videoSkipped(settings, given) }),
    );
  }
  const videoInput = runVideoInput(settings, options, placement);
  const video = started ?? (await startRunVideo(videoInput));
  const count = await writeRender(start, { ...target, ...(video.live !== undefined && { video: video.live }) });
  return finishRunVideo(video, videoInput, count);
}

function runVideoInput(settings: DeforumSettings, options: RenderOptions, placement: RunPlacement): RunVideoInput {
  const { out, timestring, framesDone } = placement;
  return {
    settings,
    out,
    timestring,
    framesDone,
    given: options.given ?? new Set<string>(),
    fps: options.fps,
    gif: options.gif,
    audio: options.audio,
  };
}

/** Frame 0's init: the first video frame with `hybrid_use_first_frame_as_init_image` (spec §12), else the file. */
async function animationInit(
  settings: DeforumSettings,
  initPath: string | undefined,
  hybrid: FrameSource | null,
): Promise<RawImage<'u8'> | null> {
  if (hybrid !== null && settings.hybrid_use_first_frame_as_init_image) {
    return readSized(hybrid, 0, { width: settings.W, height: settings.H }, 'lanczos');
  }
  return initPath === undefined ? null : readInit(initPath, settings);
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

/**
 * `deforum render SETTINGS --out DIR`: the main job on this machine. Until the diffusion runtime exists it renders
 * the motion preview (`--preview`): the init image pushed through the settings' 2D or 3D camera path (3D without
 * depth, a flat scene at z = 1), written as the notebook names frames (`{timestring}_{f:05}.png`), with the
 * settings file and an MP4 (and a GIF when asked).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { expandMotion2d, expandMotion3d } from '../../core/animation/motion-schedules.js';
import { motionPreview, type PreviewMotion } from '../../core/animation/motion-preview.js';
import { DeforumError } from '../../core/errors.js';
import { decodeImage, writePng } from '../../core/image/codec.js';
import { exportDeforumFile } from '../../core/settings/export-deforum-file.js';
import type { DeforumSettings } from '../../core/settings/schema.js';
import { encodeGif, encodeMp4 } from '../../core/video/encode.js';
import { frameFileName, framePattern } from '../../core/video/frame-files.js';
import { usageError, wholeNumberOption } from '../cli-arguments.js';
import { loadSettingsFile } from '../load-settings.js';
import { startFrameProgress } from '../progress-bar.js';
import { timestringNow } from '../timestring.js';

interface RenderOptions {
  out: string;
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
    .option('--preview', 'render the camera motion only, without diffusion (no GPU or model needed)')
    .option('--init <image>', 'the first frame (PNG/JPEG/WebP); stretched to W×H as Deforum does')
    .option('--frames <n>', 'render this many frames instead of max_frames', wholeNumberOption('--frames'))
    .option('--fps <n>', 'video frame rate instead of ffmpeg_fps', wholeNumberOption('--fps', 240))
    .option('--gif', 'also write a GIF (as create_gif does)')
    .action(async (file: string, options: RenderOptions) => {
      const { settings, warnings } = await loadSettingsFile(file);
      for (const warning of warnings) process.stderr.write(`warning: ${warning.message}\n`);
      if (options.preview !== true) {
        throw usageError(
          '--preview',
          'full rendering needs the diffusion runtime, which this version does not have yet; ' +
            'add --preview to render the camera motion without diffusion',
        );
      }
      const video = await renderPreview(settings, options);
      process.stdout.write(`${video.join('\n')}\n`);
    });
}

async function renderPreview(settings: DeforumSettings, options: RenderOptions): Promise<string[]> {
  if (settings.animation_mode !== '2D' && settings.animation_mode !== '3D') {
    throw usageError(
      '--preview',
      `renders the 2D and 3D camera paths only, and this file's animation_mode is '${settings.animation_mode}'; ` +
        "use a 2D or 3D settings file (for example presets/slow-zoom-2d.json), or set animation_mode to '2D' or '3D'",
    );
  }
  const initPath = options.init ?? localInitImage(settings);
  if (initPath === undefined) {
    throw usageError(
      '--init',
      '--preview needs a first frame: pass --init IMAGE (for example --init assets/demo-init.png)',
    );
  }
  if (settings.animation_mode === '2D') warnAboutDroppedTranslation(settings);

  const frameCount = options.frames ?? settings.max_frames;
  const fps = options.fps ?? settings.ffmpeg_fps;
  // The notebook rounds W and H down to multiples of 64 (spec §17); H.264 also needs even sizes.
  const width = settings.W - (settings.W % 64);
  const height = settings.H - (settings.H % 64);
  const init = await decodeImage(initPath, { size: { width, height } });
  const motion = previewMotion(settings, frameCount);

  const timestring = timestringNow();
  await mkdir(options.out, { recursive: true });
  await writeFile(
    path.join(options.out, `${timestring}_settings.txt`),
    exportDeforumFile({ ...settings, W: width, H: height, max_frames: frameCount }),
  );

  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  const progress = startFrameProgress('preview', frameCount);
  let written = 0;
  try {
    for await (const { frame, image } of motionPreview({
      init,
      frameCount,
      motion,
      signal: abort.signal,
    })) {
      await writePng(image, path.join(options.out, frameFileName(timestring, frame)));
      written = frame + 1;
      progress.update(written);
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
    throw new DeforumError(
      { code: 'interrupted', framesDone: written },
      `interrupted after ${written} of ${frameCount} frames; the frames so far are in ${options.out}`,
    );
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
  }

  const frames = {
    kind: 'pattern',
    directory: options.out,
    pattern: framePattern(timestring),
    count: frameCount,
  } as const;
  const outputs = [path.join(options.out, `${timestring}.mp4`)];
  await encodeMp4({ frames, output: outputs[0] ?? '', fps });
  if (options.gif === true || settings.create_gif) {
    const gif = path.join(options.out, `${timestring}.gif`);
    await encodeGif({ frames, output: gif, fps });
    outputs.push(gif);
  }
  return outputs;
}

/** The camera path the preview follows; 3D has no depth model here, as with `use_depth_warping` off. */
function previewMotion(settings: DeforumSettings, frameCount: number): PreviewMotion {
  if (settings.animation_mode === '3D') {
    return {
      mode: '3D',
      options: {
        nearPlane: settings.near_plane,
        farPlane: settings.far_plane,
        fovDeg: settings.fov,
        paddingMode: settings.padding_mode,
        samplingMode: settings.sampling_mode,
      },
      motionAt: expandMotion3d(settings, frameCount),
    };
  }
  return {
    mode: '2D',
    border: settings.border,
    flip2dPerspective: settings.flip_2d_perspective,
    motionAt: expandMotion2d(settings, frameCount),
  };
}

/** The settings' own init image when it is a file on this machine (URLs are not fetched by a preview). */
function localInitImage(settings: DeforumSettings): string | undefined {
  const image = settings.init_image;
  if (!settings.use_init || image === null || /^https?:\/\//i.test(image)) return undefined;
  return image;
}

function warnAboutDroppedTranslation(settings: DeforumSettings): void {
  const moves = [settings.translation_x, settings.translation_y].some(
    (schedule) => !/^\s*0\s*:\s*\(\s*0\s*\)\s*$/.test(schedule),
  );
  if (settings.flip_2d_perspective && moves) {
    process.stderr.write(
      'warning: with flip_2d_perspective on, Deforum ignores translation_x and translation_y in 2D (kept for parity).\n',
    );
  }
}

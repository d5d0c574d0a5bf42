/**
 * Video Input mode (spec §11, §22.1 step 2, §22.2 step 6): every video frame f is the init of output frame f,
 * stretched to W×H with PIL's Lanczos and diffused at the global `strength`, with frame f's prompts, the scheduled
 * sampler and the seed sequence. Kept (spec §24 item 26, B): the previous frame is never fed back, so motion,
 * colour coherence, contrast, unsharp mask, noise_schedule, strength_schedule and cadence (forced 1) do not act;
 * `color_force_grayscale` still applies to the saved frames. max_frames is the number of extracted frames.
 * With `use_mask_video` each frame's mask is the mask video's frame f (use_mask and overlay_mask forced on);
 * otherwise `use_mask` uses the one mask image for every frame. The caller extracts and reads the frames.
 * Every `frame:done` carries the checkpoint after it (next frame, seed state, sticky sampler: mode-checkpoint.ts);
 * `resumeFrom` continues from one with exactly the events an uninterrupted run yields after it.
 */
import type { Checkpoint } from '../checkpoint.js';
import type { RawImage } from '../../image/raw-image.js';
import type { DeforumSettings } from '../../settings/schema.js';
import { diffusedFrameDone } from '../frame-done.js';
import type { FrameGenerator } from '../frame-generator.js';
import { prepareMasks, requestMask } from '../frame-masks.js';
import { readSized, type FrameSource } from '../frame-source.js';
import type { RenderEvent } from '../render-events.js';
import { checkSupported } from '../render-support.js';
import { createFrameSchedule } from '../frame-schedule.js';
import { generateWithSteps } from '../step-events.js';
import { sampleFromPixels } from '../../image/frame-noise.js';
import { DeforumError } from '../../errors.js';
import { modeCheckpoint, modeCheckpointSettings, resumeIndex } from './mode-checkpoint.js';

export interface VideoInputRenderInput {
  /** Video Input settings with a resolved seed (≥ 0) and W, H as the generator takes them. */
  settings: DeforumSettings;
  /** The extracted frames of `video_init_path`; their count is the number of frames rendered. */
  video: FrameSource;
  /** `use_mask_video`: the extracted frames of `video_mask_path`. */
  maskVideo: FrameSource | null;
  /** `use_mask` without a mask video: the mask image (`mask_file`) as decoded with its alpha. */
  mask: RawImage<'u8'> | null;
  generate: FrameGenerator;
  signal?: AbortSignal;
  /** Continue a run from the checkpoint of its last finished frame; its settings must be this run's. */
  resumeFrom?: Checkpoint;
}

export async function* renderVideoInput(input: VideoInputRenderInput): AsyncGenerator<RenderEvent, void, undefined> {
  const { video, maskVideo } = input;
  const useMaskVideo = input.settings.use_mask_video;
  // A mask video forces use_mask and overlay_mask for the run (spec §11).
  const settings = checkSupported({
    ...input.settings,
    max_frames: video.count,
    diffusion_cadence: 1,
    ...(useMaskVideo && { use_mask: true, overlay_mask: true }),
  });
  checkMaskSources(settings, maskVideo, input.mask, video.count);
  const start = resumeIndex(input.resumeFrom, input.settings, video.count);
  const resumed = input.resumeFrom;
  const schedule = createFrameSchedule(
    settings,
    resumed === undefined ? undefined : { seed: resumed.seed, sampler: resumed.sampler },
  );
  const shaping = modeCheckpointSettings(input.settings);
  const size = { width: settings.W, height: settings.H };
  const fixedMask =
    !settings.use_mask || useMaskVideo || input.mask === null ? null : prepareMasks(input.mask, settings);
  for (let frame = start; frame < video.count; frame++) {
    input.signal?.throwIfAborted();
    const init = await readSized(video, frame, size, 'lanczos');
    const masks =
      settings.use_mask && useMaskVideo && maskVideo !== null
        ? prepareMasks(await maskVideo.read(frame), settings)
        : fixedMask;
    const { seed, seedInternal, sampler, prompts } = schedule.take(frame);
    yield { type: 'frame:started', frame, seed, seedInternal, sampler, prompts, strength: settings.strength, init };
    const { sample } = yield* generateWithSteps(input.generate, {
      frame,
      seed,
      prompt: prompts.cond,
      negativePrompt: prompts.uncond,
      sampler,
      steps: settings.steps,
      scale: settings.scale,
      width: settings.W,
      height: settings.H,
      init: { sample: sampleFromPixels(init), strength: settings.strength },
      ...(masks !== null && { mask: requestMask(masks) }),
      ...(input.signal && { signal: input.signal }),
    });
    const next = schedule.state();
    const checkpoint = modeCheckpoint(frame + 1, next.seed, next.sampler, shaping);
    yield { ...diffusedFrameDone(frame, sample, settings), checkpoint };
  }
  yield { type: 'done', frameCount: video.count };
}

function checkMaskSources(
  settings: DeforumSettings,
  maskVideo: FrameSource | null,
  mask: RawImage<'u8'> | null,
  frameCount: number,
): void {
  if (!settings.use_mask) return;
  let problem: string | undefined;
  if (settings.use_mask_video) {
    if (maskVideo === null)
      problem = 'use_mask_video is on but no mask video frames were given; extract video_mask_path first';
    else if (maskVideo.count < frameCount) {
      problem = `the mask video has ${maskVideo.count} frames, fewer than the ${frameCount} of the video; use a mask video at least as long`;
    }
  } else if (settings.use_alpha_as_mask) {
    problem =
      'use_alpha_as_mask reads the init image, but Video Input inits are video frames without alpha; use mask_file or a mask video';
  } else if (mask === null) {
    problem = 'use_mask is on but no mask image was given; pass the mask_file image (or --mask FILE)';
  }
  if (problem === undefined) return;
  throw new DeforumError(
    {
      code: 'settings_invalid',
      issues: [{ setting: settings.use_mask_video ? 'video_mask_path' : 'mask_file', message: problem }],
    },
    `${problem}.`,
  );
}

/**
 * The engine's entry point for any settings file: dispatches on `animation_mode` (spec §4) to the 2D/3D loop
 * (render-loop.ts), Video Input, Interpolation or still images (modes/). Every renderer yields the same events
 * (render-events.ts) and takes what it reads from outside (init images, a mask image, extracted video frames) as
 * values from the caller, so this module and everything below it stay free of I/O.
 */
import type { DepthModel } from '../diffusion/models/depth.js';
import type { Checkpoint } from './checkpoint.js';
import { DeforumError } from '../errors.js';
import type { RawImage } from '../image/raw-image.js';
import type { DeforumSettings } from '../settings/schema.js';
import type { FrameGenerator } from './frame-generator.js';
import type { FrameSource } from './frame-source.js';
import { renderInterpolation } from './modes/interpolation.js';
import { renderStills } from './modes/stills.js';
import { renderVideoInput } from './modes/video-input.js';
import type { RenderEvent } from './render-events.js';
import { renderAnimation } from './render-loop.js';

export interface DeforumRenderInput {
  /** Settings with a resolved seed (≥ 0) and W, H as the generator takes them. */
  settings: DeforumSettings;
  generate: FrameGenerator;
  /** The run's timestring: still images are named with it. */
  timestring: string;
  /** `use_init`: the init image(s), W×H RGB (several only for stills from a folder); empty without. */
  inits: readonly RawImage<'u8'>[];
  /** `use_mask`: the mask image as decoded, with its alpha (the init's for `use_alpha_as_mask`); null without. */
  mask: RawImage<'u8'> | null;
  /** Video Input and hybrid video (2D/3D): the extracted frames of `video_init_path`. */
  video: FrameSource | null;
  /** Video Input with `use_mask_video`: the extracted frames of `video_mask_path`. */
  maskVideo: FrameSource | null;
  depthModel?: DepthModel | null;
  signal?: AbortSignal;
  /** Continue a stopped run from its last checkpoint (every renderer makes them). */
  resumeFrom?: Checkpoint;
}

export function renderDeforum(input: DeforumRenderInput): AsyncGenerator<RenderEvent, void, undefined> {
  const { settings, generate, mask } = input;
  const signal = {
    ...(input.signal !== undefined && { signal: input.signal }),
    ...(input.resumeFrom !== undefined && { resumeFrom: input.resumeFrom }),
  };
  const init = input.inits[0] ?? null;
  switch (settings.animation_mode) {
    case '2D':
    case '3D':
      return renderAnimation({
        settings,
        init,
        generate,
        depthModel: input.depthModel ?? null,
        video: input.video,
        mask,
        ...signal,
      });
    case 'Video Input': {
      if (input.video === null) {
        throw new DeforumError(
          { code: 'usage', argument: 'video_init_path', reason: 'Video Input needs the extracted video frames' },
          'Video Input renders the frames of a video: give video_init_path (or --video FILE).',
        );
      }
      return renderVideoInput({ settings, video: input.video, maskVideo: input.maskVideo, mask, generate, ...signal });
    }
    case 'Interpolation':
      return renderInterpolation({ settings, init, mask, generate, ...signal });
    case 'None':
      return renderStills({ settings, timestring: input.timestring, inits: input.inits, mask, generate, ...signal });
  }
}

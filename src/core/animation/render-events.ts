/**
 * What the render loop reports, in order: for each diffused frame `frame:started`, its sampler `step`s, then
 * (at once with cadence 1, through the in-betweens with cadence > 1) a `frame:done` for every video frame
 * 0 … max_frames − 1 in order, and `done` last. A consumer writes each `frame:done` image and may show its preview
 * (graphile-worker's typed event map, style.md B6).
 */
import type { RawImage } from '../image/raw-image.js';
import type { PromptPair } from '../schedule/prompts.js';
import type { SamplerName } from '../settings/samplers.js';
import type { Checkpoint } from './checkpoint.js';

export interface FrameStartedEvent {
  type: 'frame:started';
  /** The frame whose schedules, prompts and seed this generation uses. */
  frame: number;
  seed: number;
  /** `seed_internal` before this generation (the `iter` counter, or the `ladder`/`alternate` phase). */
  seedInternal: number;
  sampler: SamplerName;
  prompts: PromptPair;
  /** The init's strength, or null for text-to-image (no init: the original forces strength 0). */
  strength: number | null;
  /** The 8-bit image the init sample was made from (before noise), or null for text-to-image. */
  init: RawImage<'u8'> | null;
}

export interface StepEvent {
  type: 'step';
  frame: number;
  /** 1-based, as the generator reports it. */
  step: number;
  total: number;
}

export interface FrameDoneEvent {
  type: 'frame:done';
  /** The video frame index; the file is `{timestring}_{frame:05}.png`. */
  frame: number;
  /** `diffused`: the generated image itself (cadence 1); `tween`: a cadence in-between. */
  kind: 'diffused' | 'tween';
  /** The frame to save, 8 bits per channel. */
  image: RawImage<'u8'>;
  /** The frame scaled down for progress messages (at most PREVIEW_MAX_SIDE pixels on a side). */
  preview: RawImage<'u8'>;
  /**
   * With `bit_depth_output` 16, a diffused frame on the 0…255 float scale, not truncated: write this one as a
   * 16-bit PNG instead of `image`. Absent for in-betweens, which stay 8-bit (spec §24 item 23, B).
   */
  image16?: RawImage<'f32'>;
  /**
   * With `bit_depth_output` 32, a diffused frame as float32 in 0…1: write this one as `{timestring}_{frame:05}.exr`
   * (spec §2, core/image/exr.ts); `image` stays the 8-bit conversion, what previews and the MP4 read.
   */
  image32?: RawImage<'f32'>;
  /** `save_depth_maps`: the frame's depth picture, written as `{timestring}_depth_{frame:05}.png` (`.exr` at 32-bit). */
  depth?: DepthPicture;
  /**
   * The renderer's state after this frame, to store for a resume (checkpoint.ts); every renderer's frames carry
   * one (Video Input and Interpolation through modes/mode-checkpoint.ts).
   */
  checkpoint?: Checkpoint;
}

/** A depth picture at the run's bit depth (spec §10): 8-bit `image`, with `image16` or `image32` as for frames. */
export interface DepthPicture {
  image: RawImage<'u8'>;
  image16?: RawImage<'f32'>;
  image32?: RawImage<'f32'>;
}

/**
 * An image that is not a video frame, saved under the output folder at `file` (a relative path): still images and
 * their grids (animation_mode 'None'), hybrid video's extra frames (`hybridframes/…jpg`).
 */
export interface ImageFileEvent {
  type: 'image:file';
  file: string;
  /** 8-bit; `image16` (0…255 float scale) instead when the file is a 16-bit PNG. */
  image: RawImage<'u8'>;
  image16?: RawImage<'f32'>;
  /** Stills: the renderer's state once this file is saved, to store for a resume (modes/mode-checkpoint.ts). */
  checkpoint?: Checkpoint;
}

export interface RenderDoneEvent {
  type: 'done';
  /** Frames written, always max_frames (spec §24 item 22, F). */
  frameCount: number;
}

export type RenderEvent = FrameStartedEvent | StepEvent | FrameDoneEvent | ImageFileEvent | RenderDoneEvent;

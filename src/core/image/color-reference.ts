/**
 * The render loop's colour-coherence step and the reference it carries between frames (spec §9 color_coherence,
 * §24 items 19-20, both kept: B). The notebook's `color_match_sample`:
 * - the first time the step runs, the prepared image itself becomes the reference and is not matched, so
 *   "frame 0" is really frame 0 as warped into the first frame that has a previous image;
 * - on resume the reference is the last saved frame (`resumeReference`);
 * - 'Video Input' with hybrid video active replaces the reference on every frame f with
 *   f mod color_coherence_video_every_N_frames = 0 by the extracted video frame (`inputframes/{f:05}.jpg`, resized
 *   to W×H; the loop reads it, see `needsVideoFrame`) and then matches; without hybrid video it is plain Lab
 *   matching;
 * - 'None' leaves the image alone.
 * The state is an immutable value: each step returns the next one. The reference is kept prepared (converted and
 * reduced to its histograms), so it is converted once, not on every frame.
 */
import { matchColorsTo, prepareColorTarget, type ColorTarget } from './color-coherence.js';
import type { RawImage } from './raw-image.js';

export interface ColorCoherenceSettings {
  /** `color_coherence`; any string the notebook accepts ('None' switches the step off). */
  mode: string;
  /** `color_coherence_video_every_N_frames`, ≥ 1. */
  videoEveryNFrames: number;
  /** Hybrid video is on: `hybrid_composite`, or `hybrid_motion` in 'Optical Flow', 'Perspective', 'Affine'. */
  hybridVideo: boolean;
}

export interface ColorReference {
  readonly settings: ColorCoherenceSettings;
  /** The current reference, prepared for matching; undefined until the first step stores one. */
  readonly target: ColorTarget | undefined;
}

export interface ColorCoherenceStep {
  /** The reference for the next frame. */
  reference: ColorReference;
  /** The prepared image after colour coherence (the input itself when nothing was matched). */
  image: RawImage<'u8'>;
}

/** A fresh run: no reference yet. */
export function createColorReference(settings: ColorCoherenceSettings): ColorReference {
  if (!Number.isInteger(settings.videoEveryNFrames) || settings.videoEveryNFrames < 1) {
    throw new RangeError(
      `color_coherence_video_every_N_frames must be an integer ≥ 1, got ${settings.videoEveryNFrames}.`,
    );
  }
  return { settings, target: undefined };
}

/** A resumed run: the last saved frame is the reference, so the first step already matches. */
export async function resumeColorReference(
  settings: ColorCoherenceSettings,
  lastSavedFrame: RawImage<'u8'>,
): Promise<ColorReference> {
  const reference = createColorReference(settings);
  if (settings.mode === 'None') return reference;
  return { settings, target: await prepareColorTarget(lastSavedFrame, settings.mode) };
}

/** Whether the step for `frame` takes a video frame as its new reference (the loop then reads and resizes it). */
export function needsVideoFrame(reference: ColorReference, frame: number): boolean {
  const { mode, hybridVideo, videoEveryNFrames } = reference.settings;
  return mode === 'Video Input' && hybridVideo && frame % videoEveryNFrames === 0;
}

/**
 * Colour coherence for the prepared previous image of `frame`. `videoFrame` must be given exactly when
 * `needsVideoFrame` says so: it becomes the reference before matching.
 */
export async function applyColorCoherence(
  reference: ColorReference,
  frame: number,
  prepared: RawImage<'u8'>,
  videoFrame?: RawImage<'u8'>,
): Promise<ColorCoherenceStep> {
  const { mode } = reference.settings;
  if (mode === 'None') return { reference, image: prepared };
  const wantsVideo = needsVideoFrame(reference, frame);
  if (wantsVideo !== (videoFrame !== undefined)) {
    throw new RangeError(
      wantsVideo
        ? `Frame ${frame} takes its colour reference from the video: pass the extracted video frame.`
        : `Frame ${frame} does not take a video colour reference; pass no video frame.`,
    );
  }
  const target = videoFrame ? await prepareColorTarget(videoFrame, mode) : reference.target;
  if (target === undefined) {
    return { reference: { ...reference, target: await prepareColorTarget(prepared, mode) }, image: prepared };
  }
  return { reference: { ...reference, target }, image: await matchColorsTo(prepared, target) };
}

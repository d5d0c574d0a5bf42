/**
 * One in-between frame of diffusion cadence (spec §9.1): the two cadence images are advanced to frame t with
 * frame t's motion (both with the depth of the newer image, item 13, B), cross-faded in float32 as numpy does
 * (`prev·(1 − w) + next·w`, the Python weights cast to float32), optionally grayscaled with the swapped-weight
 * OpenCV formula on float data (item 18, B), and truncated to 8 bits (item 23, B: in-betweens are always 8-bit).
 * Between the camera warp and the cross-fade, the advancing images get frame t's hybrid motion (spec §12.1 "with
 * cadence") and the overlay moves with the newer image by frame t's motion (item 25, F: the original warps it
 * with frame f's motion once per in-between; moving-overlay.ts).
 * Which images advance and their weight come from planCadence; this module only performs a step.
 */
import type { DepthMap, DepthModel } from '../diffusion/models/depth.js';
import { grayscaleCv2OnRgb } from '../image/grayscale.js';
import { createRawImage, rawImageFrom, type RawImage } from '../image/raw-image.js';
import { truncateToBytes } from './cadence-images.js';
import type { TweenStep } from './cadence.js';
import { warpFrame, type CameraPath } from './camera-path.js';
import type { HybridVideo } from './hybrid-video.js';
import { warpOverlay, type MovingOverlay } from './moving-overlay.js';

/** The older and newer diffused frames as float images, each warped up to the last in-between written. */
export interface CadenceImages {
  prev: RawImage<'f32'> | null;
  next: RawImage<'f32'>;
}

export interface TweenInput {
  step: TweenStep;
  /** The newer diffused frame, warped up to the previous in-between. */
  next: RawImage<'f32'>;
  camera: CameraPath;
  depthModel: DepthModel | null;
  forceGrayscale: boolean;
  hybrid: HybridVideo | null;
  overlay: MovingOverlay | null;
  /** `save_depth_maps`: predicts the newer image's depth for the picture even where no warp needs it (spec §10). */
  depthToSave?: DepthModel | null;
}

/**
 * An in-between split by who waits for it: the newer image, from which the next diffused frame's init is made,
 * is advanced at once; the older image's warp (`moveOlder`) and the frame shown (`frameWith`) wait, as no model
 * call needs them, so the loop can run them while the next generation is in flight (issue 6 "Speed"). They are two
 * pieces so that each fits between the model calls of that generation.
 */
export interface TweenAdvance {
  next: RawImage<'f32'>;
  overlay: MovingOverlay | null;
  /** The depth of the newer image (the one the warps use), when predicted. */
  depth: DepthMap | null;
  /** The older image (as the previous in-between left it) advanced to this frame. */
  moveOlder(older: RawImage<'f32'> | null): Promise<RawImage<'f32'> | null>;
  /** The frame shown, from the older image as `moveOlder` left it. */
  frameWith(prev: RawImage<'f32'> | null): RawImage<'u8'>;
}

export async function advanceTween(input: TweenInput): Promise<TweenAdvance> {
  const { step, camera } = input;
  // The original predicts depth even when neither image moves; the prediction is unused then, so it is skipped.
  // warpPrev implies an older image: the plan sets it only once a second diffused frame exists.
  const depthModel = input.depthToSave ?? (step.warpPrev || step.warpNext ? input.depthModel : null);
  const depth = depthModel === null ? null : (await depthModel.predict(input.next)).depth;
  // A depth predicted only for the picture is not warped with (use_depth_warping off reads a flat scene).
  const warpDepth = input.depthModel === null ? null : depth;
  const motion = step.warpPrev || step.warpNext ? await input.hybrid?.motionAt(step.frame) : null;
  const move = async (image: RawImage<'f32'>): Promise<RawImage<'f32'>> => {
    const warped = warpFrame(image, camera, step.frame, warpDepth);
    return motion === null || motion === undefined ? warped : motion(warped);
  };
  const next = step.warpNext ? await move(input.next) : input.next;
  const overlay =
    step.warpNext && input.overlay !== null ? warpOverlay(input.overlay, camera, step.frame, warpDepth) : input.overlay;
  const moveOlder = async (older: RawImage<'f32'> | null) => (step.warpPrev && older !== null ? move(older) : older);
  const frameWith = (prev: RawImage<'f32'> | null): RawImage<'u8'> => {
    const blended = step.prev !== null && prev !== null;
    if (blended && !input.forceGrayscale) return crossFadeBytes(prev, next, step.weightNext);
    const shown = blended ? crossFade(prev, next, step.weightNext) : next;
    return truncateToBytes(input.forceGrayscale ? grayscaleCv2OnRgb(shown) : shown);
  };
  return { next, overlay, depth, moveOlder, frameWith };
}

const f32 = Math.fround;

function crossFade(older: RawImage<'f32'>, newer: RawImage<'f32'>, weightNext: number): RawImage<'f32'> {
  const weightPrev = f32(1 - weightNext);
  const weight = f32(weightNext);
  const a = older.data;
  const b = newer.data;
  const out = new Float32Array(b.length);
  for (let i = 0; i < out.length; i++) out[i] = f32((a[i] ?? 0) * weightPrev) + f32((b[i] ?? 0) * weight);
  return rawImageFrom('f32', newer.width, newer.height, newer.channels, out);
}

/** `truncateToBytes(crossFade(…))` in one pass, without the float image between them. */
function crossFadeBytes(older: RawImage<'f32'>, newer: RawImage<'f32'>, weightNext: number): RawImage<'u8'> {
  const weightPrev = f32(1 - weightNext);
  const weight = f32(weightNext);
  const a = older.data;
  const b = newer.data;
  const out = createRawImage('u8', newer.width, newer.height, newer.channels);
  const target = out.data;
  for (let i = 0; i < target.length; i++) {
    const v = f32(f32((a[i] as number) * weightPrev) + f32((b[i] as number) * weight));
    target[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}

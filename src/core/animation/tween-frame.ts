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
import type { DepthModel } from '../diffusion/models/depth.js';
import { grayscaleCv2OnRgb } from '../image/grayscale.js';
import { rawImageFrom, type RawImage } from '../image/raw-image.js';
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
  images: CadenceImages;
  camera: CameraPath;
  depthModel: DepthModel | null;
  forceGrayscale: boolean;
  hybrid: HybridVideo | null;
  overlay: MovingOverlay | null;
}

export interface TweenResult {
  images: CadenceImages;
  frame: RawImage<'u8'>;
  overlay: MovingOverlay | null;
}

export async function renderTween(input: TweenInput): Promise<TweenResult> {
  const { step, camera } = input;
  const older = input.images.prev;
  const advancePrev = step.warpPrev && older !== null;
  // The original predicts depth even when neither image moves; the prediction is unused then, so it is skipped.
  const depth =
    input.depthModel !== null && (advancePrev || step.warpNext)
      ? (await input.depthModel.predict(input.images.next)).depth
      : null;
  const motion = advancePrev || step.warpNext ? await input.hybrid?.motionAt(step.frame) : null;
  const move = async (image: RawImage<'f32'>): Promise<RawImage<'f32'>> => {
    const warped = warpFrame(image, camera, step.frame, depth);
    return motion === null || motion === undefined ? warped : motion(warped);
  };
  const prev = advancePrev ? await move(older) : older;
  const next = step.warpNext ? await move(input.images.next) : input.images.next;
  const overlay =
    step.warpNext && input.overlay !== null ? warpOverlay(input.overlay, camera, step.frame, depth) : input.overlay;
  const shown = step.prev !== null && prev !== null ? crossFade(prev, next, step.weightNext) : next;
  const frame = truncateToBytes(input.forceGrayscale ? grayscaleCv2OnRgb(shown) : shown);
  return { images: { prev, next }, frame, overlay };
}

function crossFade(older: RawImage<'f32'>, newer: RawImage<'f32'>, weightNext: number): RawImage<'f32'> {
  const f32 = Math.fround;
  const weightPrev = f32(1 - weightNext);
  const weight = f32(weightNext);
  const a = older.data;
  const b = newer.data;
  const out = new Float32Array(b.length);
  for (let i = 0; i < out.length; i++) out[i] = f32((a[i] ?? 0) * weightPrev) + f32((b[i] ?? 0) * weight);
  return rawImageFrom('f32', newer.width, newer.height, newer.channels, out);
}

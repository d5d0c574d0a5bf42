/**
 * The 2D motion preview: the init image pushed through the camera path with no diffusion, so a user can check
 * zoom, rotation and translation schedules in seconds. Matches the render loop's motion (spec §5): frame 0 is
 * the init; frame f is the 2D warp of frame f−1 with the motion values *at f*, so motion is incremental and
 * resampling error accumulates exactly as it does in a real render.
 */
import type { BorderMode } from '../image/warp-perspective.js';
import type { PixelFormat, RawImage } from '../image/raw-image.js';
import { warp2d, type Motion2d } from '../image/warp-2d.js';

export interface MotionPreviewInput<F extends PixelFormat> {
  /** The first frame, already W×H. */
  init: RawImage<F>;
  /** Number of frames to yield, the init included (`max_frames`). */
  frameCount: number;
  /** `border`. */
  border: BorderMode;
  /** `flip_2d_perspective`. */
  flip2dPerspective: boolean;
  /** The schedule values at a frame. */
  motionAt: (frame: number) => Motion2d;
  signal?: AbortSignal;
}

export interface PreviewFrame<F extends PixelFormat> {
  frame: number;
  image: RawImage<F>;
}

/** Yields frames 0…frameCount−1; stops with the signal's reason once it is aborted. */
export async function* motionPreview<F extends PixelFormat>(
  input: MotionPreviewInput<F>,
): AsyncGenerator<PreviewFrame<F>, void, undefined> {
  const { init, frameCount, border, flip2dPerspective, motionAt, signal } = input;
  let image = init;
  for (let frame = 0; frame < frameCount; frame++) {
    signal?.throwIfAborted();
    if (frame > 0) image = warp2d(image, { ...motionAt(frame), flip2dPerspective, border });
    yield { frame, image };
  }
}

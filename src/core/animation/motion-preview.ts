/**
 * The motion preview: the init image pushed through the camera path with no diffusion, so a user can check
 * zoom, rotation and translation schedules in seconds. Matches the render loop's motion (spec §5): frame 0 is
 * the init; frame f is the warp of frame f−1 with the motion values *at f*, so motion is incremental and
 * resampling error accumulates exactly as it does in a real render. In 3D the preview has no depth model, so it
 * warps a flat scene at z = 1, as the loop does with `use_depth_warping` off (spec §10).
 */
import type { PixelFormat, RawImage } from '../image/raw-image.js';
import { warp2d, type Motion2d } from '../image/warp-2d.js';
import { warp3d, type Motion3d, type Warp3dOptions } from '../image/warp-3d.js';
import type { BorderMode } from '../image/warp-perspective.js';

/** The camera path of one animation mode: its per-frame motion and the settings its warp needs. */
export type PreviewMotion =
  | {
      mode: '2D';
      /** `border`. */
      border: BorderMode;
      /** `flip_2d_perspective`. */
      flip2dPerspective: boolean;
      motionAt: (frame: number) => Motion2d;
    }
  | {
      mode: '3D';
      /** `near_plane`, `far_plane`, `fov`, `padding_mode`, `sampling_mode`. */
      options: Warp3dOptions;
      motionAt: (frame: number) => Motion3d;
    };

export interface MotionPreviewInput<F extends PixelFormat> {
  /** The first frame, already W×H. */
  init: RawImage<F>;
  /** Number of frames to yield, the init included (`max_frames`). */
  frameCount: number;
  motion: PreviewMotion;
  signal?: AbortSignal;
}

export interface PreviewFrame<F extends PixelFormat> {
  frame: number;
  image: RawImage<F>;
}

function warpStep<F extends PixelFormat>(image: RawImage<F>, motion: PreviewMotion, frame: number): RawImage<F> {
  if (motion.mode === '2D') {
    const { border, flip2dPerspective } = motion;
    return warp2d(image, { ...motion.motionAt(frame), flip2dPerspective, border });
  }
  return warp3d(image, null, { ...motion.motionAt(frame), ...motion.options });
}

/** Yields frames 0…frameCount−1; stops with the signal's reason once it is aborted. */
export async function* motionPreview<F extends PixelFormat>(
  input: MotionPreviewInput<F>,
): AsyncGenerator<PreviewFrame<F>, void, undefined> {
  const { init, frameCount, motion, signal } = input;
  let image = init;
  for (let frame = 0; frame < frameCount; frame++) {
    signal?.throwIfAborted();
    if (frame > 0) image = warpStep(image, motion, frame);
    yield { frame, image };
  }
}

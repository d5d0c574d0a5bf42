/**
 * The camera path of a 2D or 3D render and the one warp the loop applies with it: `anim_frame_warp` of
 * helpers/animation.py (spec §5, §10). The previous frame and both cadence images go through this same function,
 * each with the motion values *of the frame being made*, so motion is incremental and resampling error
 * accumulates as it does in the original. In 3D, `depth` null is the original's `use_depth_warping` off (a flat
 * scene at z = 1).
 * A 2D warp's sampling plan depends on the frame's motion and the image size alone (warp-perspective.ts), so the
 * path keeps the plans it made: the loop makes the next init's plans while a generation runs (`prepareWarps`),
 * and the two cadence images warped by one frame's motion share one plan.
 */
import type { PixelFormat, RawImage } from '../image/raw-image.js';
import { warp2dMatrix, type Motion2d } from '../image/warp-2d.js';
import { warp3d, type DepthMap, type Motion3d, type Warp3dOptions } from '../image/warp-3d.js';
import { applyWarpPlan, planWarpPerspective, type BorderMode, type WarpPlan } from '../image/warp-perspective.js';
import type { DeforumSettings } from '../settings/schema.js';
import { expandMotion2d, expandMotion3d } from './motion-schedules.js';

export type CameraPath =
  | {
      mode: '2D';
      /** `border`. */
      border: BorderMode;
      /** `flip_2d_perspective`. */
      flip2dPerspective: boolean;
      motionAt: (frame: number) => Motion2d;
      /** The warp plans of the frames in use and of those made ahead (`prepareWarps`). */
      plans: WarpPlans;
    }
  | {
      mode: '3D';
      /** `near_plane`, `far_plane`, `fov`, `padding_mode`, `sampling_mode`. */
      options: Warp3dOptions;
      motionAt: (frame: number) => Motion3d;
    };

/** The settings' camera path over `max_frames` frames, each motion schedule expanded once. */
export function cameraPathOf(settings: DeforumSettings & { animation_mode: '2D' | '3D' }): CameraPath {
  const frameCount = settings.max_frames;
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
    // While a generation runs, the warps of the block it follows and the plans of the next init's block are in use,
    // with the frame between them: 2·cadence + 1 plans (init-ahead.ts), and one to spare.
    plans: new WarpPlans(2 * settings.diffusion_cadence + 2),
  };
}

/**
 * Plans by frame and size, the oldest made dropped past `limit`; a dropped plan's buffer is reused for the next plan
 * of its size, so a long render stops allocating plans.
 */
class WarpPlans {
  private readonly plans = new Map<string, WarpPlan>();
  private spare: WarpPlan | undefined;

  constructor(private readonly limit: number) {}

  of(frame: number, width: number, height: number, make: (reuse: WarpPlan | undefined) => WarpPlan): WarpPlan {
    const key = `${frame}:${width}x${height}`;
    const kept = this.plans.get(key);
    if (kept !== undefined) return kept;
    const spare = this.spare?.width === width && this.spare.height === height ? this.spare : undefined;
    this.spare = undefined;
    const plan = make(spare);
    this.plans.set(key, plan);
    for (const [oldKey, old] of this.plans) {
      if (this.plans.size <= this.limit) break;
      this.plans.delete(oldKey);
      this.spare = old;
    }
    return plan;
  }
}

function warpPlanOf(path: CameraPath & { mode: '2D' }, frame: number, width: number, height: number): WarpPlan {
  return path.plans.of(frame, width, height, (reuse) => {
    const matrix = warp2dMatrix({ ...path.motionAt(frame), flip2dPerspective: path.flip2dPerspective }, width, height);
    return planWarpPerspective(matrix, width, height, reuse);
  });
}

/** Makes the 2D warp plans of `frames` for width × height images ahead of their images (3D has none to make). */
export function prepareWarps(path: CameraPath, frames: readonly number[], width: number, height: number): void {
  if (path.mode !== '2D') return;
  for (const frame of frames) warpPlanOf(path, frame, width, height);
}

/** Moves `image` by the camera motion of `frame`; the depth is read in 3D only, as the original's warp does. */
export function warpFrame<F extends PixelFormat>(
  image: RawImage<F>,
  path: CameraPath,
  frame: number,
  depth: DepthMap | null,
): RawImage<F> {
  if (path.mode === '2D') {
    return applyWarpPlan(image, warpPlanOf(path, frame, image.width, image.height), path.border);
  }
  return warp3d(image, depth, { ...path.motionAt(frame), ...path.options });
}

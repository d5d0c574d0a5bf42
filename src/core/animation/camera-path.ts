/**
 * The camera path of a 2D or 3D render and the one warp the loop applies with it: `anim_frame_warp` of
 * helpers/animation.py (spec §5, §10). The previous frame and both cadence images go through this same function,
 * each with the motion values *of the frame being made*, so motion is incremental and resampling error
 * accumulates as it does in the original. In 3D, `depth` null is the original's `use_depth_warping` off (a flat
 * scene at z = 1).
 */
import type { PixelFormat, RawImage } from '../image/raw-image.js';
import { warp2d, type Motion2d } from '../image/warp-2d.js';
import { warp3d, type DepthMap, type Motion3d, type Warp3dOptions } from '../image/warp-3d.js';
import type { BorderMode } from '../image/warp-perspective.js';
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
  };
}

/** Moves `image` by the camera motion of `frame`; the depth is read in 3D only, as the original's warp does. */
export function warpFrame<F extends PixelFormat>(
  image: RawImage<F>,
  path: CameraPath,
  frame: number,
  depth: DepthMap | null,
): RawImage<F> {
  if (path.mode === '2D') {
    const { border, flip2dPerspective } = path;
    return warp2d(image, { ...path.motionAt(frame), flip2dPerspective, border });
  }
  return warp3d(image, depth, { ...path.motionAt(frame), ...path.options });
}

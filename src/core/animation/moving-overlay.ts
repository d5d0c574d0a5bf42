/**
 * `use_mask` in a 2D/3D render (spec §15, §22.2 steps 3.6–3.7): the overlay mask and the image it keeps (the first
 * generated frame) travel with the camera, each warped by every frame's motion with the depth of that warp, so
 * the kept area stays on the scene. The latent mask is not warped: like the original it is the same mask file
 * every frame, fixed to the screen (item 35, decided B, docs/deviations.md).
 * Departures (docs/deviations.md): the mask is warped as a float plane, not through the 8-bit pixel pipeline that
 * shifts 0 to −1/255 and quantises the original's; inside the cadence loop each in-between warps with its own
 * frame's motion (item 25, F).
 */
import type { Latent } from '../diffusion/tensor.js';
import type { DepthMap } from '../image/warp-3d.js';
import type { MaskPlane } from '../image/mask.js';
import { rawImageFrom, type RawImage } from '../image/raw-image.js';
import { sampleFromFloatPixels } from './cadence-images.js';
import { warpFrame, type CameraPath } from './camera-path.js';
import type { PreparedMasks } from './frame-masks.js';
import type { RequestMask } from './frame-generator.js';

/** The overlay as it has moved so far. */
export interface MovingOverlay {
  /** The overlay mask, one channel in 0…1. */
  mask: RawImage<'f32'>;
  /** The first generated frame on the 0…255 float scale; null until frame 0 is generated. */
  source: RawImage<'f32'> | null;
}

/** The overlay of a run before frame 0: the prepared mask, no source yet; null with overlay_mask off. */
export function startOverlay(masks: PreparedMasks): MovingOverlay | null {
  const plane = masks.overlay;
  if (plane === null) return null;
  return { mask: rawImageFrom('f32', plane.width, plane.height, 1, Float32Array.from(plane.data)), source: null };
}

/** Both images moved by the camera motion of `frame` (the source only once it exists). */
export function warpOverlay(
  overlay: MovingOverlay,
  camera: CameraPath,
  frame: number,
  depth: DepthMap | null,
): MovingOverlay {
  return {
    mask: warpFrame(overlay.mask, camera, frame, depth),
    source: overlay.source === null ? null : warpFrame(overlay.source, camera, frame, depth),
  };
}

/** The masks of a generation after frame 0: the fixed latent mask and the moved overlay with its moved source. */
export function movedRequestMask(latent: MaskPlane, overlay: MovingOverlay | null): RequestMask {
  if (overlay === null) return { latent, overlay: null };
  if (overlay.source === null) throw new Error('overlay: a frame after frame 0 has no overlay source');
  const { width, height, data } = overlay.mask;
  const original: Latent = sampleFromFloatPixels(overlay.source);
  return { latent, overlay: { mask: { width, height, data }, original } };
}

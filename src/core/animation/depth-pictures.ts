/**
 * The depth pictures of a 2D/3D run (spec §10 `save_depth_maps`, §12.2 Depth / Video Depth masks): one
 * DepthModel.save normalisation (depth-map-image.ts) with its running min/max shared by every picture of the run,
 * as the original's single depth model object shares it between `save_depth_maps` and the Video Depth mask.
 * The loop keeps the newest saved picture: the Depth mask of frame f is the picture saved for frame f − 1.
 */
import type { DepthMap, DepthModel } from '../diffusion/models/depth.js';
import { depthMapImage, INITIAL_DEPTH_RANGE, type DepthRange } from '../diffusion/models/depth/depth-map-image.js';
import { DeforumError } from '../errors.js';
import { rawImageFrom, type RawImage } from '../image/raw-image.js';
import type { DeforumSettings } from '../settings/schema.js';
import type { DepthPicture } from './render-events.js';

export interface DepthPictures {
  readonly model: DepthModel;
  /** Frames get a depth picture in their `frame:done` event (`save_depth_maps`, forced on by the Depth mask). */
  readonly save: boolean;
  /** The newest picture saved, what the Depth mask of the next frame reads; null before the first. */
  readonly last: RawImage<'u8'> | null;
  /** Normalises `depth` with the running range (and advances it); `keep` makes it the newest saved picture. */
  picture(depth: DepthMap, keep: boolean): DepthPicture;
}

/** Depth pictures are made: `save_depth_maps`, or hybrid compositing with a Depth / Video Depth mask. */
export function usesDepthPictures(settings: DeforumSettings): boolean {
  return settings.save_depth_maps || (settings.hybrid_composite && depthMaskType(settings));
}

function depthMaskType(settings: DeforumSettings): boolean {
  return settings.hybrid_comp_mask_type === 'Depth' || settings.hybrid_comp_mask_type === 'Video Depth';
}

/** The run's depth pictures, or null when none are made; a depth model is required then. */
export function depthPicturesOf(settings: DeforumSettings, model: DepthModel | null): DepthPictures | null {
  if (!usesDepthPictures(settings)) return null;
  if (model === null) {
    const setting = settings.save_depth_maps ? 'save_depth_maps' : 'hybrid_comp_mask_type';
    const given = settings.save_depth_maps ? 'true' : settings.hybrid_comp_mask_type;
    const reason = 'it needs the depth model (MiDaS), and none is loaded; provide it, or turn it off';
    throw new DeforumError(
      { code: 'setting_unsupported', setting, given, reason },
      `${setting} is ${given}: ${reason}.`,
    );
  }
  const bitDepth = settings.bit_depth_output;
  let range: DepthRange = INITIAL_DEPTH_RANGE;
  let last: RawImage<'u8'> | null = null;
  return {
    model,
    save: settings.save_depth_maps || (settings.hybrid_composite && settings.hybrid_comp_mask_type === 'Depth'),
    get last() {
      return last;
    },
    picture(depth, keep) {
      const made = depthMapImage(depth, range);
      range = made.range;
      if (keep) last = made.image;
      if (bitDepth === 8) return { image: made.image };
      const unit = made.unit;
      if (bitDepth === 32)
        return { image: made.image, image32: rawImageFrom('f32', depth.width, depth.height, 3, unit) };
      const scaled = unit.map((v) => Math.fround(v * 255));
      return { image: made.image, image16: rawImageFrom('f32', depth.width, depth.height, 3, scaled) };
    },
  };
}

/**
 * The picture `save_depth_maps` writes: DepthModel.save(..., 8) of `helpers/depth.py` (spec §10). Normalisation
 * uses a running min/max over every map saved so far in the run (starting at min 1000, max −1000), so early maps
 * are scaled differently from late ones; `trunc(255·(d − min) / max(1e-8, max − min))` grey, replicated to RGB,
 * computed in float32 like the original. Brighter is farther. `unit` is `v = (d − min) / max(1e-8, max − min)` per
 * channel, what the 16-bit (`v·65535`, item 46 F) and 32-bit (EXR) pictures are written from.
 */
import { rawImageFrom, type RawImage } from '../../../image/raw-image.js';
import type { DepthMap } from '../depth.js';

export interface DepthRange {
  readonly min: number;
  readonly max: number;
}

export const INITIAL_DEPTH_RANGE: DepthRange = { min: 1000, max: -1000 };

/** The 8-bit RGB image for `depth` and the running range to pass with the next map. */
export function depthMapImage(
  depth: DepthMap,
  range: DepthRange,
): { image: RawImage<'u8'>; unit: Float32Array; range: DepthRange } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of depth.data) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const next = { min: Math.min(range.min, min), max: Math.max(range.max, max) };
  const denominator = Math.max(1e-8, Math.fround(next.max - next.min));
  const pixels = new Uint8Array(depth.data.length * 3);
  const unit = new Float32Array(depth.data.length * 3);
  for (let i = 0; i < depth.data.length; i++) {
    const v = Math.fround(Math.fround((depth.data[i] ?? 0) - next.min) / denominator);
    unit.fill(v, i * 3, i * 3 + 3);
    const scaled = Math.fround(v * 255);
    const grey = Math.min(255, Math.max(0, Math.trunc(scaled)));
    pixels[i * 3] = grey;
    pixels[i * 3 + 1] = grey;
    pixels[i * 3 + 2] = grey;
  }
  return { image: rawImageFrom('u8', depth.width, depth.height, 3, pixels), unit, range: next };
}

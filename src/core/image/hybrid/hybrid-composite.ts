/**
 * `hybrid_composite` (helpers/hybrid_video.py, spec §12.2): blends the video frame into the previous image through
 * an optional grey mask. Order: mask by type (Depth / Video Depth: the depth picture the caller passes, the saved
 * PNG or the JPEG read back; Blend: `blend(grey(prev), grey(video), b)`; Difference: `|grey(prev) − grey(video)|`),
 * inverse (not for None), grey, equalize Before/Both, Contrast, auto-contrast, [extra frame "mask"], equalize
 * After/Both, `composite(prev, video, mask)` (255 keeps prev) [extra frame "comp"], then `blend(prev, comp, α)`.
 * The video frame is stretched to the previous image's size with PIL's Lanczos, as the original does.
 * Kept (spec §24 item 31, B): with mask None and α = 1 the previous frame is replaced by the video frame.
 * Auto-contrast is `autocontrast_grayscale`: linear `np.percentile` cutoffs (ints), `255·(x − lo)/(hi − lo)` in
 * float64, clipped, then float32 (`fromarray` mode F) truncated to 8 bits (`convert('L')`).
 * Fixed (spec §24 item 32, F, docs/deviations.md): when hi = lo the original divides by zero (NaN pixels); we map
 * values below the cutoff to 0, above to 255 and leave values equal to it unchanged (a flat mask stays as it is).
 */
import { resizePil } from '../../diffusion/models/depth/resize-pil.js';
import { rawImageFrom, type RawImage } from '../raw-image.js';
import { pilBlend, pilComposite, pilContrast, pilDifference, pilEqualize, pilGrey, pilInvert } from './pil-grey.js';

export type HybridCompMaskType = 'None' | 'Depth' | 'Video Depth' | 'Blend' | 'Difference';
export type HybridCompMaskEqualize = 'None' | 'Before' | 'After' | 'Both';

export interface HybridCompositeParams {
  /** `hybrid_comp_mask_type`. */
  maskType: HybridCompMaskType;
  /** `hybrid_comp_mask_inverse`. */
  inverse: boolean;
  /** `hybrid_comp_mask_equalize`. */
  equalize: HybridCompMaskEqualize;
  /** `hybrid_comp_mask_auto_contrast`. */
  autoContrast: boolean;
  /** `hybrid_comp_alpha_schedule` at the frame. */
  alpha: number;
  /** `hybrid_comp_mask_blend_alpha_schedule` at the frame. */
  maskBlendAlpha: number;
  /** `hybrid_comp_mask_contrast_schedule` at the frame. */
  maskContrast: number;
  /** `hybrid_comp_mask_auto_contrast_cutoff_low_schedule` at the frame, already `int()`-ed, 0..100. */
  autoContrastCutoffLow: number;
  /** `hybrid_comp_mask_auto_contrast_cutoff_high_schedule` at the frame, already `int()`-ed, 0..100. */
  autoContrastCutoffHigh: number;
}

export interface HybridCompositeInputs {
  /** The previous image (RGB, W×H) after hybrid motion. */
  prev: RawImage<'u8'>;
  /** Video frame f as decoded (`inputframes/{f:05}.jpg`), any size. */
  video: RawImage<'u8'>;
  /** Depth / Video Depth: the depth picture the original opens (grey or RGB, W×H). */
  depth?: RawImage<'u8'>;
}

export interface HybridCompositeResult {
  /** The new previous image. */
  image: RawImage<'u8'>;
  /** `hybridframes/mask{f}.jpg` (before equalize After), or null without a mask. */
  savedMask: RawImage<'u8'> | null;
  /** The exact mask given to `Image.composite`, or null without a mask. */
  mask: RawImage<'u8'> | null;
  /** `hybridframes/comp{f}.jpg`, or null without a mask. */
  comp: RawImage<'u8'> | null;
}

/** `np.percentile(values, q)` (linear) of 8-bit values through their histogram. */
function percentile(histogram: readonly number[], count: number, q: number): number {
  const index = (count - 1) * (q / 100);
  const below = Math.floor(index);
  const t = index - below;
  const valueAt = (rank: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v] ?? 0;
      if (rank < seen) return v;
    }
    return 255;
  };
  const a = valueAt(below);
  const b = valueAt(Math.min(below + 1, count - 1));
  const diff = b - a;
  // numpy's _lerp interpolates from the nearer end.
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

function autoContrast(grey: Uint8Array, lowCutoff: number, highCutoff: number): Uint8Array {
  const histogram = new Array<number>(256).fill(0);
  for (const v of grey) histogram[v] = (histogram[v] ?? 0) + 1;
  const lo = percentile(histogram, grey.length, lowCutoff);
  const hi = percentile(histogram, grey.length, highCutoff);
  return grey.map((v) => {
    if (hi === lo) return v < lo ? 0 : v > lo ? 255 : v;
    const scaled = Math.fround(Math.min(255, Math.max(0, (255 * (v - lo)) / (hi - lo))));
    return scaled >= 255 ? 255 : Math.trunc(scaled);
  });
}

function greyImage(width: number, height: number, grey: Uint8Array): RawImage<'u8'> {
  return rawImageFrom('u8', width, height, 1, grey);
}

function requireSize(image: RawImage<'u8'>, width: number, height: number, what: string): void {
  if (image.width !== width || image.height !== height) {
    throw new RangeError(`The ${what} is ${image.width}×${image.height}; hybrid compositing needs ${width}×${height}.`);
  }
}

function maskSource(inputs: HybridCompositeInputs, video: RawImage<'u8'>, params: HybridCompositeParams): Uint8Array {
  const { prev } = inputs;
  switch (params.maskType) {
    case 'Depth':
    case 'Video Depth': {
      if (inputs.depth === undefined) {
        throw new RangeError(`hybrid_comp_mask_type ${params.maskType} needs the depth picture of the frame.`);
      }
      requireSize(inputs.depth, prev.width, prev.height, 'depth picture');
      return pilGrey(inputs.depth);
    }
    case 'Blend':
      return pilBlend(pilGrey(prev), pilGrey(video), params.maskBlendAlpha);
    case 'Difference':
      return pilDifference(pilGrey(prev), pilGrey(video));
    case 'None':
      throw new RangeError('mask type None has no mask.');
  }
}

/** One `hybrid_composite` step for a frame. */
export function hybridComposite(inputs: HybridCompositeInputs, params: HybridCompositeParams): HybridCompositeResult {
  const { prev } = inputs;
  const { width, height } = prev;
  if (prev.channels !== 3 || inputs.video.channels !== 3) throw new RangeError('Hybrid compositing works on RGB.');
  const video =
    inputs.video.width === width && inputs.video.height === height
      ? inputs.video
      : resizePil(inputs.video, width, height, 'lanczos');
  if (params.maskType === 'None') {
    const image = rawImageFrom('u8', width, height, 3, pilBlend(prev.data, video.data, params.alpha));
    return { image, savedMask: null, mask: null, comp: null };
  }
  let mask = maskSource(inputs, video, params);
  if (params.inverse) mask = pilInvert(mask);
  if (params.equalize === 'Before' || params.equalize === 'Both') mask = pilEqualize(mask);
  mask = pilContrast(mask, params.maskContrast);
  if (params.autoContrast) mask = autoContrast(mask, params.autoContrastCutoffLow, params.autoContrastCutoffHigh);
  const savedMask = greyImage(width, height, mask);
  if (params.equalize === 'After' || params.equalize === 'Both') mask = pilEqualize(mask);
  const comp = rawImageFrom('u8', width, height, 3, pilComposite(prev, video, mask));
  const image = rawImageFrom('u8', width, height, 3, pilBlend(prev.data, comp.data, params.alpha));
  return { image, savedMask, mask: greyImage(width, height, mask), comp };
}

/**
 * Mask preparation for `use_mask` (spec §15), Deforum's `load_mask_latent` + `prepare_mask`
 * (helpers/load_images.py), on an 8-bit image the codec has already stretched to the target size (the original
 * resizes the RGBA mask with Lanczos; `decodeImage(file, { alpha: 'keep', size })` does the same):
 * - grey: PIL's `convert('L')` of RGB(A), `(19595·R + 38470·G + 7471·B + 2^15) >> 16`, alpha ignored; or, with
 *   `use_alpha_as_mask`, the init image's alpha channel;
 * - PIL's Brightness then Contrast enhancer, each only when its factor is not 1: `blend(degenerate, mask, f)` in
 *   float32, truncated and clipped to 0..255, the contrast degenerate being the mean grey rounded to an integer.
 *   Fixed (F, §24 item 33, docs/deviations.md): the original passes the two factors swapped; each applies to its name;
 * - `/ 255` in float32, `invert_mask` as `((m − 0.5)·−1) + 0.5`, clipped to [0, 1].
 * The result is one plane; the original tiles it to 4 latent (or 3 image) channels unchanged.
 */
import { DeforumError } from '../errors.js';
import type { RawImage } from './raw-image.js';

/** Mask values in [0, 1], one per pixel, row-major: 1 keeps the init, 0 lets diffusion repaint (spec §24 item 34). */
export interface MaskPlane {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export interface MaskOptions {
  /** Target size (W×H for the overlay, W/8×H/8 for the latent mask); the image must already have it. */
  width: number;
  height: number;
  /** `use_alpha_as_mask`: read the alpha channel of the (init) image instead of its grey levels. */
  useAlpha: boolean;
  /** `mask_brightness_adjust`. */
  brightness: number;
  /** `mask_contrast_adjust`. */
  contrast: number;
  /** `invert_mask`. */
  invert: boolean;
}

const f32 = Math.fround;

function greyLevels(image: RawImage<'u8'>, useAlpha: boolean): Uint8Array {
  const { channels, data } = image;
  const count = image.width * image.height;
  const out = new Uint8Array(count);
  if (useAlpha) {
    if (channels !== 4) {
      throw new DeforumError(
        {
          code: 'settings_invalid',
          issues: [{ setting: 'use_alpha_as_mask', message: 'the init image has no alpha channel' }],
        },
        'use_alpha_as_mask is on but the init image has no alpha channel. Use a PNG with transparency, or turn it off.',
      );
    }
    for (let p = 0; p < count; p++) out[p] = data[p * 4 + 3] ?? 0;
    return out;
  }
  if (channels === 1) return Uint8Array.from(data);
  for (let p = 0; p < count; p++) {
    const i = p * channels;
    out[p] = ((data[i] ?? 0) * 19595 + (data[i + 1] ?? 0) * 38470 + (data[i + 2] ?? 0) * 7471 + 0x8000) >>> 16;
  }
  return out;
}

/** PIL `Image.blend(degenerate, image, factor)` for 8-bit data: float32 arithmetic, truncation, clipping. */
function blendTowards(levels: Uint8Array, degenerate: number, factor: number): void {
  const alpha = f32(factor);
  for (let i = 0; i < levels.length; i++) {
    const value = f32(degenerate + f32(alpha * ((levels[i] ?? 0) - degenerate)));
    levels[i] = value <= 0 ? 0 : value >= 255 ? 255 : Math.trunc(value);
  }
}

function meanLevel(levels: Uint8Array): number {
  let sum = 0;
  for (const level of levels) sum += level;
  return Math.trunc(sum / levels.length + 0.5);
}

export function prepareMask(image: RawImage<'u8'>, options: MaskOptions): MaskPlane {
  const { width, height } = options;
  if (image.width !== width || image.height !== height) {
    throw new RangeError(
      `The mask is ${image.width}×${image.height} but must be ${width}×${height}; decode it with the target size ` +
        '(decodeImage(file, { alpha: "keep", size })) as the original resizes it with Lanczos.',
    );
  }
  const levels = greyLevels(image, options.useAlpha);
  if (options.brightness !== 1) blendTowards(levels, 0, options.brightness);
  if (options.contrast !== 1) blendTowards(levels, meanLevel(levels), options.contrast);
  const data = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    let m = f32((levels[i] ?? 0) / 255);
    if (options.invert) m = f32(f32(f32(m - 0.5) * -1) + 0.5);
    data[i] = m < 0 ? 0 : m > 1 ? 1 : m;
  }
  if (options.useAlpha && (data.every((m) => m === 0) || data.every((m) => m === 1))) {
    throw new DeforumError(
      {
        code: 'settings_invalid',
        issues: [{ setting: 'use_alpha_as_mask', message: 'the alpha mask is fully transparent or fully opaque' }],
      },
      'use_alpha_as_mask: the mask from the init image is all 0 or all 1, so it masks nothing. ' +
        'Use an init image with partial transparency, or turn use_alpha_as_mask off.',
    );
  }
  return { width, height, data };
}

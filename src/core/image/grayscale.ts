/**
 * `color_force_grayscale` (spec §9, §24 item 18, kept bit-compatible: B). The notebook converts in two ways:
 * - the prepared previous image and every cadence in-between go through `cv2.cvtColor(img, COLOR_BGR2GRAY)` then
 *   `COLOR_GRAY2BGR` on RGB data, so red and blue weights are swapped: Y = 0.114·R + 0.587·G + 0.299·B
 *   (`grayscaleCv2OnRgb`, 8-bit and float);
 * - the generated image goes through PIL's `ImageOps.colorize(ImageOps.grayscale(img), 'black', 'white')`:
 *   Rec.601 luma in 16-bit fixed point, and colorize from black to white is the identity on it (`grayscalePil`).
 * Both replicate the gray value to three channels.
 */
import { createRawImage, type PixelFormat, type RawImage } from './raw-image.js';

/**
 * OpenCV 4.6's `RGB2Gray<uchar>` weights, 15-bit fixed point with rounding (R2Y 9798, G2Y 19235, B2Y 3735), as
 * they fall on R, G, B when BGR2GRAY reads RGB data. Found by fitting the golden output: the 14-bit `yuv_shift`
 * weights of the older source differ on 24 of 12,288 pixels, on ties such as 0.114·166 + 0.587·43 + 0.299·165.
 */
const CV_WEIGHT_R = 3735;
const CV_WEIGHT_G = 19235;
const CV_WEIGHT_B = 9798;
const CV_SHIFT = 15;

/** OpenCV's `RGB2Gray<float>` weights, float32 like `B2YF`, `G2YF`, `R2YF`. */
const CV_WEIGHT_R_F32 = Math.fround(0.114);
const CV_WEIGHT_G_F32 = Math.fround(0.587);
const CV_WEIGHT_B_F32 = Math.fround(0.299);

function requireRgb(image: { readonly channels: number }): void {
  if (image.channels !== 3) {
    throw new RangeError(`Grayscale conversion expects an RGB image, got ${image.channels} channels.`);
  }
}

/**
 * `cvtColor(cvtColor(img, COLOR_BGR2GRAY), COLOR_GRAY2BGR)` on RGB data: u8 with OpenCV's rounded fixed point,
 * f32 as OpenCV's vector loop computes it, fma(B, 0.299, fma(G, 0.587, R·0.114)) in float32, no clamping.
 */
export function grayscaleCv2OnRgb<F extends PixelFormat>(image: RawImage<F>): RawImage<F> {
  requireRgb(image);
  const out = createRawImage<PixelFormat>(image.format, image.width, image.height, 3);
  const src = image.data;
  const dst = out.data;
  const n = src.length;
  if (image.format === 'u8') {
    const round = 1 << (CV_SHIFT - 1);
    for (let i = 0; i < n; i += 3) {
      const y =
        (CV_WEIGHT_R * (src[i] as number) +
          CV_WEIGHT_G * (src[i + 1] as number) +
          CV_WEIGHT_B * (src[i + 2] as number) +
          round) >>
        CV_SHIFT;
      dst[i] = y;
      dst[i + 1] = y;
      dst[i + 2] = y;
    }
  } else {
    const f = Math.fround;
    for (let i = 0; i < n; i += 3) {
      // A float32 product is exact in a double, so `f(a * b + c)` is a fused multiply-add up to a double-rounding
      // tie (odds ~2^-29); plain float32 multiply-then-add differed from the golden output on 2,653 of 36,864
      // samples, this on none.
      const y = f(
        (src[i + 2] as number) * CV_WEIGHT_B_F32 +
          f((src[i + 1] as number) * CV_WEIGHT_G_F32 + f((src[i] as number) * CV_WEIGHT_R_F32)),
      );
      dst[i] = y;
      dst[i + 1] = y;
      dst[i + 2] = y;
    }
  }
  return out as RawImage<F>;
}

/** PIL `ImageOps.colorize(ImageOps.grayscale(img), 'black', 'white')` on an 8-bit RGB image. */
export function grayscalePil(image: RawImage<'u8'>): RawImage<'u8'> {
  requireRgb(image);
  const out = createRawImage('u8', image.width, image.height, 3);
  const src = image.data;
  const dst = out.data;
  for (let i = 0; i < src.length; i += 3) {
    const l =
      (19595 * (src[i] as number) + 38470 * (src[i + 1] as number) + 7471 * (src[i + 2] as number) + 32768) >> 16;
    dst[i] = l;
    dst[i + 1] = l;
    dst[i + 2] = l;
  }
  return out;
}

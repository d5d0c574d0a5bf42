/**
 * The loop's anti-blur step, Deforum's `unsharp_mask(img, (k, k), sigma, amount, threshold)` (helpers/render.py,
 * spec §8), applied to `prev_img * contrast` on every frame that has a previous image:
 *   blur = cv2.GaussianBlur(img, (k, k), sigma)          (reflect-101 border, float64 as numpy passes it)
 *   out  = round_half_even(clip((amount + 1)·img − amount·blur, 0, 255)) → uint8
 * Kept (B): it always runs, even with amount 0, so it is also where the contrast gain is clipped and rounded
 * (§24 items 15, 16). An even kernel is OpenCV's assertion in the original (the run aborts); here it is a
 * DeforumError naming `kernel_schedule` and the frame. Fixed (F, §24 item 14, docs/deviations.md): a threshold > 0
 * crashes the original's loop; we do what it meant — where |img − blur| < threshold the pixel keeps its
 * (contrast-scaled, clipped, rounded) original value.
 *
 * The blur is opencv.js's own GaussianBlur on a CV_64F Mat (same kernels and border code as cv2): it ran 4 ms at
 * 512²×3 against 20 ms for a hand-written separable float64 blur, whose `Math.exp` weights also missed OpenCV's
 * softfloat ones in the last bit. Golden: 8 of 9 cases bit-exact; in flat areas at exactly x.5 (contrast 1.3 × odd
 * values) cv2's native AVX2 blur fuses multiply-adds and lands on the other side of the rounding tie (0.09 % of
 * values of that case off by 1, inside the README's ±1 / 99.5 % tolerance).
 */
import { DeforumError } from '../errors.js';
import { contrastSource, type ContrastImage } from './contrast.js';
import { loadOpenCv, withMats } from './opencv.js';
import { createRawImage, type RawImage } from './raw-image.js';

/** One frame's values of `kernel_schedule` (already `int()`-ed), `sigma_schedule`, `amount_schedule`, `threshold_schedule`. */
export interface UnsharpMaskParams {
  kernel: number;
  sigma: number;
  amount: number;
  threshold: number;
  /** The frame index, for error messages only. */
  frame?: number;
}

/** `createGaussianKernels`: a size ≤ 0 with sigma > 0 becomes `round(sigma·4·2 + 1) | 1` (float images use 4). */
function blurSize(kernel: number, sigma: number): number {
  return kernel <= 0 && sigma > 0 ? roundHalfEven(sigma * 8 + 1) | 1 : kernel;
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function checkParams(params: UnsharpMaskParams): number {
  const at = params.frame === undefined ? '' : ` at frame ${params.frame}`;
  const invalid = (setting: string, given: number, allowed: string, message: string): DeforumError =>
    new DeforumError(
      { code: 'settings_invalid', issues: [{ setting, message, given: String(given), allowed }] },
      `${setting} gives ${given}${at}: ${message}`,
    );
  for (const [setting, value] of [
    ['sigma_schedule', params.sigma],
    ['amount_schedule', params.amount],
    ['threshold_schedule', params.threshold],
  ] as const) {
    if (!Number.isFinite(value)) {
      throw invalid(setting, value, 'a finite number', 'the unsharp mask needs a finite number here.');
    }
  }
  if (!Number.isInteger(params.kernel)) {
    throw invalid(
      'kernel_schedule',
      params.kernel,
      'an odd integer ≥ 1, or 0',
      'the kernel size must be a whole number.',
    );
  }
  const size = blurSize(params.kernel, params.sigma);
  if (size <= 0) {
    throw invalid(
      'kernel_schedule',
      params.kernel,
      'an odd integer ≥ 1, or 0 with sigma_schedule > 0',
      `a kernel size of ${params.kernel} needs sigma_schedule > 0 to derive the size from (it is ${params.sigma}). ` +
        'Use an odd kernel such as 5, or a positive sigma.',
    );
  }
  if (size % 2 === 0) {
    throw invalid(
      'kernel_schedule',
      params.kernel,
      'an odd integer ≥ 1, or 0',
      'the Gaussian blur of the unsharp mask needs an odd kernel size. Use an odd value such as 3 or 5, ' +
        'or 0 to derive the size from sigma_schedule.',
    );
  }
  return size;
}

/** Sharpens (and clips and rounds) the contrast-scaled previous frame into the uint8 frame the loop noises. */
export async function unsharpMask(image: ContrastImage, params: UnsharpMaskParams): Promise<RawImage<'u8'>> {
  const size = checkParams(params);
  const { cv } = await loadOpenCv();
  const FLOAT64_TYPES = { 1: cv.CV_64FC1, 3: cv.CV_64FC3, 4: cv.CV_64FC4 } as const;
  const BYTE_TYPES = { 1: cv.CV_8UC1, 3: cv.CV_8UC3, 4: cv.CV_8UC4 } as const;
  const { width, height, channels } = image;
  const scaled = params.threshold <= 0 ? contrastSource(image) : undefined;
  const out = createRawImage('u8', width, height, channels);
  const gain = params.amount + 1;
  const { amount, threshold } = params;
  withMats((track) => {
    let src: InstanceType<typeof cv.Mat>;
    if (scaled) {
      // uint8 × contrast in float64 inside WASM (convertTo: saturate_cast<double>(x·alpha + 0), the same product
      // numpy forms), from the 0.8 MB of bytes instead of a 6 MB float64 copy.
      const bytes = track(new cv.Mat(height, width, BYTE_TYPES[channels]));
      bytes.data.set(scaled.bytes);
      src = track(new cv.Mat());
      bytes.convertTo(src, cv.CV_64F, scaled.contrast, 0);
    } else {
      src = track(new cv.Mat(height, width, FLOAT64_TYPES[channels]));
      src.data64F.set(image.data);
    }
    const blurred = track(new cv.Mat());
    cv.GaussianBlur(src, blurred, new cv.Size(size, size), params.sigma, params.sigma, cv.BORDER_REFLECT_101);
    if (threshold <= 0) {
      // All in WASM: gain·img + (−amount)·blur (+ 0) in float64 — the same two products and sum as below — then
      // convertTo's saturate_cast<uchar>: round half to even (f64.nearest) and clip to 0..255. Measured 2× faster
      // than the JavaScript loop at 512²×3 (7.3 against 14 ms here) and bit-identical to it (test/core/image/unsharp-mask.test.ts).
      const sharpened = track(new cv.Mat());
      cv.addWeighted(src, gain, blurred, -amount, 0, sharpened, cv.CV_64F);
      const bytes = track(new cv.Mat());
      sharpened.convertTo(bytes, cv.CV_8U);
      out.data.set(bytes.data);
      return;
    }
    // A view on the WASM heap: read it before anything else allocates there.
    const data = image.data;
    const blur = blurred.data64F;
    const target = out.data;
    for (let i = 0; i < data.length; i++) {
      const original = data[i] ?? 0;
      const low = blur[i] ?? 0;
      const kept = threshold > 0 && Math.abs(original - low) < threshold;
      const value = kept ? original : gain * original - amount * low;
      target[i] = value <= 0 ? 0 : value >= 255 ? 255 : roundHalfEven(value);
    }
  });
  return out;
}

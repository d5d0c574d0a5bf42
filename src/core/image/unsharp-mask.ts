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
 * A uint8 frame with no threshold (the loop's case) runs in row chunks shared with the image threads
 * (threads/row-pool.ts): each chunk converts its rows plus the kernel's half-size of real rows above and below and
 * blurs the chunk's rows as a region of that block, so OpenCV reads the real neighbours where they exist and
 * reflects only at the image's own edges — the bytes of the whole-image blur (test/core/threads).
 */
import { DeforumError } from '../errors.js';
import { defineRowKernel, runRows } from '../threads/row-pool.js';
import { contrastSource, type ContrastImage } from './contrast.js';
import { loadOpenCv, withMats } from './opencv.js';
import { createRawImage, type ChannelCount, type RawImage } from './raw-image.js';

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

/** This thread's opencv.js, once `prepare` has loaded it. */
let openCv: Awaited<ReturnType<typeof loadOpenCv>>['cv'] | undefined;

interface ScaledUnsharpParams {
  readonly width: number;
  readonly height: number;
  readonly channels: ChannelCount;
  readonly contrast: number;
  readonly size: number;
  readonly sigma: number;
  readonly amount: number;
}

/**
 * Rows of the unsharp mask of `bytes · contrast` (no threshold), all in WASM: the rows and a halo of size ÷ 2 real
 * rows each side go in as bytes and are scaled to float64 there (convertTo: saturate_cast<double>(x·alpha + 0),
 * the product numpy forms — from 0.8 MB of bytes at 512² instead of a 6 MB float64 copy); the blur runs on the
 * chunk's region of that block; then gain·img + (−amount)·blur (+ 0) in float64 — the two products and sum of the
 * JavaScript loop in `unsharpMask` — and convertTo's saturate_cast<uchar>: round half to even (f64.nearest) and
 * clip to 0..255. Measured 2× faster than that loop at 512²×3 (7.3 against 14 ms) and bit-identical to it
 * (test/core/image/unsharp-mask.test.ts). Eight chunks: each costs its Mats and its halo rows.
 */
export const SCALED_UNSHARP_ROWS = defineRowKernel(
  'scaledUnsharp',
  (
    params: ScaledUnsharpParams,
    buffers: { readonly bytes: Uint8Array; readonly out: Uint8Array | Uint8ClampedArray },
    rowStart: number,
    rowEnd: number,
  ) => {
    const cv = openCv;
    if (cv === undefined) throw new Error('scaledUnsharp ran before opencv.js was loaded on this thread');
    const { width, height, channels, size, sigma, amount } = params;
    const halo = (size - 1) / 2;
    const first = Math.max(0, rowStart - halo);
    const last = Math.min(height, rowEnd + halo);
    const rowLength = width * channels;
    const byteTypes = { 1: cv.CV_8UC1, 3: cv.CV_8UC3, 4: cv.CV_8UC4 } as const;
    withMats((track) => {
      const bytes = track(new cv.Mat(last - first, width, byteTypes[channels]));
      bytes.data.set(buffers.bytes.subarray(first * rowLength, last * rowLength));
      const block = track(new cv.Mat());
      bytes.convertTo(block, cv.CV_64F, params.contrast, 0);
      const src = track(block.roi(new cv.Rect(0, rowStart - first, width, rowEnd - rowStart)));
      const blurred = track(new cv.Mat());
      cv.GaussianBlur(src, blurred, new cv.Size(size, size), sigma, sigma, cv.BORDER_REFLECT_101);
      const sharpened = track(new cv.Mat());
      cv.addWeighted(src, amount + 1, blurred, -amount, 0, sharpened, cv.CV_64F);
      const result = track(new cv.Mat());
      sharpened.convertTo(result, cv.CV_8U);
      buffers.out.set(result.data, rowStart * rowLength);
    });
  },
  {
    chunks: 8,
    prepare: async () => {
      openCv ??= (await loadOpenCv()).cv;
    },
  },
);

/** Sharpens (and clips and rounds) the contrast-scaled previous frame into the uint8 frame the loop noises. */
export async function unsharpMask(image: ContrastImage, params: UnsharpMaskParams): Promise<RawImage<'u8'>> {
  const size = checkParams(params);
  const { width, height, channels } = image;
  const out = createRawImage('u8', width, height, channels);
  const scaled = params.threshold <= 0 ? contrastSource(image) : undefined;
  if (scaled) {
    await SCALED_UNSHARP_ROWS.prepare?.();
    const { contrast } = scaled;
    runRows({
      kernel: SCALED_UNSHARP_ROWS,
      params: { width, height, channels, contrast, size, sigma: params.sigma, amount: params.amount },
      buffers: { bytes: scaled.bytes, out: out.data },
      outputs: ['out'],
      rows: height,
      pixels: width * height,
    });
    return out;
  }
  const { cv } = await loadOpenCv();
  const FLOAT64_TYPES = { 1: cv.CV_64FC1, 3: cv.CV_64FC3, 4: cv.CV_64FC4 } as const;
  const gain = params.amount + 1;
  const { amount, threshold } = params;
  withMats((track) => {
    const src = track(new cv.Mat(height, width, FLOAT64_TYPES[channels]));
    src.data64F.set(image.data);
    const blurred = track(new cv.Mat());
    cv.GaussianBlur(src, blurred, new cv.Size(size, size), params.sigma, params.sigma, cv.BORDER_REFLECT_101);
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

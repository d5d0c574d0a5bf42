/**
 * The mask overlay after decoding (spec §15 "Overlay"), Deforum's `prepare_overlay_mask` (helpers/load_images.py)
 * and the composite in `generate()`:
 * - kept (B, §24 item 35): every value below the mask's maximum becomes 0, so only the brightest pixels survive,
 *   at their value; then `scipy.ndimage.gaussian_filter(mask, mask_overlay_blur)` — reflect border (d c b a | a b c
 *   d), radius `int(4σ + 0.5)`, weights `exp((−0.5/σ²)·x²)` over their numpy sum (scipy 1.10's `_gaussian_kernel1d`), one pass per axis in double with a
 *   float32 result after each (σ = 0 leaves the mask as is; the batch and channel axes the original also
 *   filters hold identical values, so they change nothing);
 * - `out = original·M + generated·((M·−1) + 1)` in float32, per channel, in sample space.
 */
import { latent, type Latent } from '../diffusion/tensor.js';
import type { MaskPlane } from './mask.js';

const f32 = Math.fround;

/** numpy's `sum` for a short float64 vector: pairwise in blocks of 8 accumulators, as `phi_x.sum()` adds. */
function numpySum(values: Float64Array): number {
  if (values.length < 8) return values.reduce((a, b) => a + b, 0);
  const acc = Float64Array.from(values.subarray(0, 8));
  let i = 8;
  for (; i + 8 <= values.length; i += 8) for (let j = 0; j < 8; j++) acc[j] = (acc[j] ?? 0) + (values[i + j] ?? 0);
  let sum =
    (acc[0] ?? 0) +
    (acc[1] ?? 0) +
    ((acc[2] ?? 0) + (acc[3] ?? 0)) +
    ((acc[4] ?? 0) + (acc[5] ?? 0) + ((acc[6] ?? 0) + (acc[7] ?? 0)));
  for (; i < values.length; i++) sum += values[i] ?? 0;
  return sum;
}

function scipyGaussianKernel(sigma: number): Float64Array {
  const radius = Math.trunc(4 * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  const factor = -0.5 / (sigma * sigma);
  for (let x = -radius; x <= radius; x++) weights[x + radius] = Math.exp(factor * (x * x));
  const sum = numpySum(weights);
  return weights.map((w) => w / sum);
}

/** scipy's `reflect` mode: mirror including the edge sample, repeated for kernels wider than the line. */
function reflect(p: number, length: number): number {
  const period = 2 * length;
  const q = ((p % period) + period) % period;
  return q < length ? q : period - 1 - q;
}

/** scipy `correlate1d` (`NI_Correlate1D`) with a symmetric kernel: centre first, then mirrored pairs from the outside in. */
function filterAxis(data: Float32Array, width: number, height: number, kernel: Float64Array, alongRows: boolean) {
  const radius = kernel.length >> 1;
  const out = new Float32Array(data.length);
  const length = alongRows ? width : height;
  const lines = alongRows ? height : width;
  const stride = alongRows ? 1 : width;
  const lineStep = alongRows ? width : 1;
  for (let line = 0; line < lines; line++) {
    const base = line * lineStep;
    for (let p = 0; p < length; p++) {
      let sum = (data[base + p * stride] ?? 0) * (kernel[radius] ?? 0);
      for (let k = radius; k >= 1; k--) {
        const before = data[base + reflect(p - k, length) * stride] ?? 0;
        const after = data[base + reflect(p + k, length) * stride] ?? 0;
        sum += (before + after) * (kernel[radius + k] ?? 0);
      }
      out[base + p * stride] = sum;
    }
  }
  return out;
}

/** `prepare_overlay_mask` after `prepare_mask`: binarise to the maximum, then blur with `mask_overlay_blur`. */
export function overlayMask(mask: MaskPlane, blurSigma: number): MaskPlane {
  let max = -Infinity;
  for (const m of mask.data) max = Math.max(max, m);
  const binary = mask.data.map((m) => (m < max ? 0 : m));
  if (!(blurSigma > 1e-15)) return { width: mask.width, height: mask.height, data: binary };
  const kernel = scipyGaussianKernel(blurSigma);
  const rows = filterAxis(binary, mask.width, mask.height, kernel, false);
  return { width: mask.width, height: mask.height, data: filterAxis(rows, mask.width, mask.height, kernel, true) };
}

/** `original·M + generated·(1 − M)` for [1, C, H, W] samples and an H×W overlay mask. */
export function overlayComposite(original: Latent, generated: Latent, mask: MaskPlane): Latent {
  const plane = mask.width * mask.height;
  const [, , height, width] = generated.shape;
  const sameShape =
    original.shape.length === generated.shape.length && original.shape.every((n, i) => n === generated.shape[i]);
  if (!sameShape || generated.shape.length !== 4 || height !== mask.height || width !== mask.width) {
    throw new RangeError(
      `overlay: original [${original.shape.join(', ')}], generated [${generated.shape.join(', ')}] and a ` +
        `${mask.width}×${mask.height} mask do not match`,
    );
  }
  const out = new Float32Array(generated.data.length);
  for (let i = 0; i < out.length; i++) {
    const m = mask.data[i % plane] ?? 0;
    const keep = f32((original.data[i] ?? 0) * m);
    const repaint = f32((generated.data[i] ?? 0) * f32(f32(m * -1) + 1));
    out[i] = keep + repaint;
  }
  return latent(generated.shape, out);
}

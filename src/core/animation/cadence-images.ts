/**
 * The float side of the loop's sample ↔ pixel conversions, which only the cadence path uses (spec §9.1):
 * - `sampleToFloatPixels`: `sample_to_cv2(sample, type=np.float32)`, the diffused frame kept as a cadence image:
 *   `clip(s·0.5 + 0.5, 0, 1)·255` in float32, not truncated;
 * - `sampleFromFloatPixels`: `sample_from_cv2(turbo_next_image)`, the warped cadence image handed back as the
 *   previous sample: `(x/255)·2 − 1` in float64, stored as float16;
 * - `truncateToBytes`: `img.astype(np.uint8)` of an in-between before it is written (values stay in 0…255 here);
 * - `bytesViaHalfSample`: `sample_to_cv2(sample_from_cv2(turbo_next_image))`, the 8-bit frame the next init is made
 *   from, in one pass.
 * The 8-bit conversions of the non-cadence path are frame-noise.ts's `sampleFromPixels` / `sampleToPixels`.
 * The first and the last are on the path between two generations at cadence > 1 and run in row chunks shared with
 * the image threads (threads/row-pool.ts): each value depends on its own input alone; the first is
 * frame-noise.ts's `sampleToImage`, which `sampleToPixels` also is.
 */
import { fromFloat16Bits, toFloat16Bits } from '../diffusion/onnx/float16.js';
import { latent, type Latent } from '../diffusion/tensor.js';
import { sampleToImage, sampleToPixels } from '../image/frame-noise.js';
import { createRawImage, type RawImage } from '../image/raw-image.js';
import { defineRowKernel, runRows } from '../threads/row-pool.js';

/** A [1, C, H, W] sample → an H×W×C float32 image on the 0…255 scale. */
export function sampleToFloatPixels(sample: Latent): RawImage<'f32'> {
  return sampleToImage(sample, 'f32');
}

/**
 * An H×W×C float image on the 0…255 scale → a [1, C, H, W] sample of float16 values. The float64 value reaches
 * float16 through float32; that differs from numpy's direct rounding only where the float32 value falls exactly
 * halfway between two float16 values (about one value in 16,000, by one float16 step), and the truncation to
 * 8 bits that follows in the loop hides almost all of those.
 * The float16 rounding works on the float32 bits in place (5 ms at 512² instead of 45 ms through toFloat16Bits and
 * back): in float16's normal range, adding 0xfff plus the lowest kept bit and clearing the 13 dropped bits is
 * round-to-nearest-even, a carry moving into the exponent as it should; anything else (zero, subnormal halves,
 * overflow) takes the exact conversion.
 */
export function sampleFromFloatPixels(image: RawImage<'f32'>): Latent {
  const { width, height, channels, data } = image;
  const plane = width * height;
  const out = new Float32Array(plane * channels);
  for (let c = 0; c < channels; c++) {
    for (let p = 0, i = c, o = c * plane; p < plane; p++, i += channels, o++) {
      out[o] = ((data[i] as number) / 255) * 2 - 1;
    }
  }
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i] as number;
    const exponent = (b >>> 23) & 0xff;
    if (exponent >= HALF_MIN_NORMAL_EXPONENT && exponent <= HALF_MAX_EXPONENT) {
      bits[i] = (b + 0xfff + ((b >>> 13) & 1)) & 0xffffe000;
    } else {
      out[i] = fromFloat16Bits(toFloat16Bits(out[i] as number));
    }
  }
  return latent([1, channels, height, width], out);
}

/** Biased float32 exponents of float16's normal range, 2^−14 … 2^15. */
const HALF_MIN_NORMAL_EXPONENT = 127 - 14;
const HALF_MAX_EXPONENT = 127 + 15;

/** `astype(np.uint8)` of a float image: truncation, clamped to 0…255 so a stray value cannot wrap. */
export function truncateToBytes(image: RawImage<'f32'>): RawImage<'u8'> {
  const out = createRawImage('u8', image.width, image.height, image.channels);
  const source = image.data;
  const target = out.data;
  for (let i = 0; i < source.length; i++) {
    const v = source[i] ?? 0;
    target[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}

/** Rows of `bytesViaHalfSample`, with the thresholds the caller found. */
export const BYTES_VIA_HALF_SAMPLE_ROWS = defineRowKernel(
  'bytesViaHalfSample',
  (
    params: { readonly thresholds: Float64Array; readonly rowLength: number },
    buffers: { readonly source: Float32Array; readonly target: Uint8Array | Uint8ClampedArray },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { thresholds, rowLength } = params;
    const { source, target } = buffers;
    for (let i = rowStart * rowLength; i < rowEnd * rowLength; i++) {
      const value = source[i] as number;
      // The chain maps NaN and negatives to 0 and everything from 255 up to 255.
      const x = value > 0 ? (value < 255 ? value : 255) : 0;
      const k = x | 0;
      target[i] = k - 1 + +(x >= (thresholds[k] as number)) + +(x >= (thresholds[k + 1] as number));
    }
  },
);

/**
 * `sampleToPixels(sampleFromFloatPixels(image))` without the sample between them (at cadence > 1 the loop only needs
 * these bytes): one pass, about half the time at 512². Every step of that chain (÷255·2−1, float32, float16, ·0.5+0.5,
 * clamp, ·255, truncation) is monotonic, so the byte of x is the number of thresholds T[1…255] at or below x, T[k]
 * being the least float32 the chain maps to k or more (found once, by bisection over the chain itself). The chain
 * never moves a value by more than one from `trunc(x)`, so only the thresholds on either side of `trunc(x)` need
 * comparing (checked once against the chain for every float32 of magnitude up to 288; the test keeps the values
 * around every boundary).
 */
export function bytesViaHalfSample(image: RawImage<'f32'>): RawImage<'u8'> {
  const { width, height, channels } = image;
  const out = createRawImage('u8', width, height, channels);
  runRows({
    kernel: BYTES_VIA_HALF_SAMPLE_ROWS,
    params: { thresholds: byteThresholds(), rowLength: width * channels },
    buffers: { source: image.data, target: out.data },
    outputs: ['target'],
    rows: height,
    pixels: width * height,
  });
  return out;
}

let thresholdTable: Float64Array | null = null;

/**
 * T[0…256], T[0] = −∞ and T[256] = +∞ as sentinels. Bisection over the bit patterns of non-negative float32s, which
 * sort as integers: from +0 (mapped to 0) and 255 (mapped to 255).
 */
function byteThresholds(): Float64Array {
  if (thresholdTable !== null) return thresholdTable;
  const lo = new Uint32Array(256);
  const hi = new Uint32Array(256).fill(new Uint32Array(Float32Array.of(255).buffer)[0] as number);
  const probe = createRawImage('f32', 256, 1, 1);
  const probeBits = new Uint32Array(probe.data.buffer);
  for (let round = 0; round < 32; round++) {
    for (let k = 1; k < 256; k++) {
      const low = lo[k] as number;
      probeBits[k] = low + Math.floor(((hi[k] as number) - low) / 2);
    }
    const bytes = sampleToPixels(sampleFromFloatPixels(probe)).data;
    for (let k = 1; k < 256; k++) {
      if ((bytes[k] as number) >= k) hi[k] = probeBits[k] as number;
      else lo[k] = probeBits[k] as number;
    }
  }
  const table = new Float64Array(257);
  table.set(new Float32Array(hi.buffer), 0);
  table[0] = -Infinity;
  table[256] = Infinity;
  thresholdTable = table;
  return table;
}

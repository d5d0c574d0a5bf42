/**
 * Pillow's `Image.resize` for 8-bit RGB with the BICUBIC (Keys, a = −0.5) and LANCZOS (3 lobes) filters, as Pillow
 * 9.4 computes it (`libImaging/Resample.c`): the filter is stretched by the scale when shrinking (antialiasing),
 * coefficients are normalised in double and rounded to 22-bit fixed point, rows are resampled before columns, and
 * the intermediate image is clipped to 0…255. This is how DepthModel.predict sizes the image for AdaBins (§10).
 */
import { rawImageFrom, type RawImage } from '../../../image/raw-image.js';

export type PilFilter = 'bicubic' | 'lanczos';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

function bicubic(x: number): number {
  const a = -0.5;
  const ax = Math.abs(x);
  if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
  if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * a;
  return 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

function lanczos(x: number): number {
  return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

const FILTERS: Record<PilFilter, { kernel: (x: number) => number; support: number }> = {
  bicubic: { kernel: bicubic, support: 2 },
  lanczos: { kernel: lanczos, support: 3 },
};

interface Coefficients {
  ksize: number;
  /** Per output position: first source index and tap count. */
  bounds: Int32Array;
  /** Fixed-point weights, `ksize` per output position. */
  weights: Int32Array;
}

function precompute(inSize: number, outSize: number, filter: PilFilter): Coefficients {
  const { kernel, support: baseSupport } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = baseSupport * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero; negative starts are clamped to 0 right after.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const count = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    // Pillow multiplies by the reciprocal; dividing would change the last bit of some weights.
    const inverseScale = 1 / filterScale;
    for (let x = 0; x < count; x++) {
      const w = kernel((x + xmin - center + 0.5) * inverseScale);
      k[x] = w;
      total += w;
    }
    for (let x = 0; x < count; x++) {
      const w = total === 0 ? (k[x] ?? 0) : (k[x] ?? 0) / total;
      weights[o * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[o * 2] = xmin;
    bounds[o * 2 + 1] = count;
  }
  return { ksize, bounds, weights };
}

function clip8(sum: number): number {
  if (sum >= ONE * 256) return 255;
  if (sum <= 0) return 0;
  return Math.floor(sum / ONE);
}

/** One pass along an axis; the offset functions map (index along the axis, line across it) to a sample offset. */
function resamplePass(
  src: Uint8Array | Uint8ClampedArray,
  dst: Uint8Array,
  lines: number,
  outSize: number,
  coefficients: Coefficients,
  sourceOffset: (index: number, line: number) => number,
  targetOffset: (index: number, line: number) => number,
  channels: number,
): void {
  const { ksize, bounds, weights } = coefficients;
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < outSize; o++) {
      const first = bounds[o * 2] ?? 0;
      const count = bounds[o * 2 + 1] ?? 0;
      for (let c = 0; c < channels; c++) {
        let sum = ONE / 2;
        for (let t = 0; t < count; t++) {
          sum += (src[sourceOffset(first + t, line) + c] ?? 0) * (weights[o * ksize + t] ?? 0);
        }
        dst[targetOffset(o, line) + c] = clip8(sum);
      }
    }
  }
}

/** Resizes an 8-bit image to width×height exactly as Pillow's `resize((width, height), filter)`. */
export function resizePil(image: RawImage<'u8'>, width: number, height: number, filter: PilFilter): RawImage<'u8'> {
  const { channels } = image;
  let current: RawImage<'u8'> = image;
  if (width !== image.width) {
    const inWidth = image.width;
    const out = new Uint8Array(width * image.height * channels);
    resamplePass(
      image.data,
      out,
      image.height,
      width,
      precompute(inWidth, width, filter),
      (x, y) => (y * inWidth + x) * channels,
      (x, y) => (y * width + x) * channels,
      channels,
    );
    current = rawImageFrom('u8', width, image.height, channels, out);
  }
  if (height !== image.height) {
    const out = new Uint8Array(width * height * channels);
    resamplePass(
      current.data,
      out,
      width,
      height,
      precompute(image.height, height, filter),
      (y, x) => (y * width + x) * channels,
      (y, x) => (y * width + x) * channels,
      channels,
    );
    current = rawImageFrom('u8', width, height, channels, out);
  }
  return current === image ? rawImageFrom('u8', width, height, channels, Uint8Array.from(image.data)) : current;
}

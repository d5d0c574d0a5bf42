/**
 * `cv2.warpPerspective(src, M, (W, H), flags=INTER_LINEAR, borderMode=REPLICATE|WRAP)` as the golden's OpenCV 4.6
 * computes it (imgwarp.cpp `WarpPerspectiveInvoker` + `remapBilinear`; 4.11+ replaced this path), bit for bit on
 * u8 and f32 images (all 13 golden warp2d cases):
 * - M is inverted like `cv::invert(DECOMP_LU)` does for 3×3 doubles (adjugate over det3, same operation order);
 * - per destination pixel the source position is computed in double, scaled by 32 and rounded half-to-even
 *   (`saturate_cast<int>`), i.e. quantised to 1/32 px; the integer part is saturated to int16;
 * - the row is processed in blocks whose start column enters the sum first (`X0 = M0·xBlock + M1·y + M2`, then
 *   `+ M0·x1`), which changes the last bit of some positions and therefore which 1/32 cell they round to;
 * - u8 samples are blended with 15-bit integer weights and `(sum + 2^14) >> 15`; f32 samples with float weights in
 *   float32 arithmetic, left to right.
 * The straightforward float bilinear warp differs from cv2 by up to 0.93 (runtime-notes A.2); this one does not.
 */
import { defineRowKernel, runRows } from '../threads/row-pool.js';
import { createRawImage, type PixelFormat, type RawImage } from './raw-image.js';

/** OpenCV border modes that Deforum's 2D warp uses (`border` setting, spec §4). */
export type BorderMode = 'replicate' | 'wrap';

const INTER_BITS = 5;
const INTER_TAB_SIZE = 1 << INTER_BITS;
const COEF_BITS = 15;
const COEF_ROUND = 1 << (COEF_BITS - 1);
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** `BLOCK_SZ` of WarpPerspectiveInvoker: rows are cut into blocks of at most 32·32 pixels. */
const BLOCK_SIZE = 32;

/** Bilinear weights per 1/32 cell, in OpenCV's order: (x0,y0), (x1,y0), (x0,y1), (x1,y1). */
const FIXED_WEIGHTS = new Int32Array(INTER_TAB_SIZE * INTER_TAB_SIZE * 4);
const FLOAT_WEIGHTS = new Float32Array(INTER_TAB_SIZE * INTER_TAB_SIZE * 4);
for (let fy = 0; fy < INTER_TAB_SIZE; fy++) {
  for (let fx = 0; fx < INTER_TAB_SIZE; fx++) {
    const o = (fy * INTER_TAB_SIZE + fx) * 4;
    const vy = [1 - fy / INTER_TAB_SIZE, fy / INTER_TAB_SIZE];
    const vx = [1 - fx / INTER_TAB_SIZE, fx / INTER_TAB_SIZE];
    for (let k = 0; k < 4; k++) {
      const v = (vy[k >> 1] ?? 0) * (vx[k & 1] ?? 0);
      FLOAT_WEIGHTS[o + k] = v;
      // int16 storage saturates the weight 1.0 of cell 0 to 32767; initInterTab2D then adds the missing unit to
      // the (x1,y1) weight. The blend still returns the (x0,y0) sample exactly, but we keep OpenCV's table.
      FIXED_WEIGHTS[o + k] = Math.min(32767, Math.round(v * (1 << COEF_BITS)));
    }
  }
}
FIXED_WEIGHTS[3] = 1;

/** `cv::invert` for a 3×3 double matrix with DECOMP_LU (explicit adjugate, OpenCV's operation order). */
export function invert3x3(m: Float64Array): Float64Array {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0, i = 0] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (det === 0) throw new RangeError('The warp matrix is singular (zoom 0?) and cannot be inverted.');
  const r = 1 / det;
  return Float64Array.of(
    (e * i - f * h) * r,
    (c * h - b * i) * r,
    (b * f - c * e) * r,
    (f * g - d * i) * r,
    (a * i - c * g) * r,
    (c * d - a * f) * r,
    (d * h - e * g) * r,
    (b * g - a * h) * r,
    (a * e - b * d) * r,
  );
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

function saturateInt16(v: number): number {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

function borderIndex(p: number, length: number, border: BorderMode): number {
  if (p >= 0 && p < length) return p;
  if (border === 'replicate') return p < 0 ? 0 : length - 1;
  const r = p % length;
  return r < 0 ? r + length : r;
}

/**
 * One destination row's sampling plan: the four source sample offsets and the 1/32 cell of every pixel, computed
 * once and shared by the u8 and f32 blends.
 */
interface RowPlan {
  readonly taps: Int32Array;
  readonly cells: Uint16Array;
}

function planRow(
  inv: Float64Array,
  y: number,
  blockWidth: number,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  border: BorderMode,
  plan: RowPlan,
): void {
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, m6 = 0, m7 = 0, m8 = 0] = inv;
  const { taps, cells } = plan;
  const width = cells.length;
  const stride = srcWidth * channels;
  for (let xb = 0; xb < width; xb += blockWidth) {
    const x0 = m0 * xb + m1 * y + m2;
    const y0 = m3 * xb + m4 * y + m5;
    const w0 = m6 * xb + m7 * y + m8;
    const end = Math.min(blockWidth, width - xb);
    for (let x1 = 0; x1 < end; x1++) {
      let w = w0 + m6 * x1;
      w = w !== 0 ? INTER_TAB_SIZE / w : 0;
      const fX = Math.max(INT_MIN, Math.min(INT_MAX, (x0 + m0 * x1) * w));
      const fY = Math.max(INT_MIN, Math.min(INT_MAX, (y0 + m3 * x1) * w));
      const X = roundHalfEven(fX) | 0;
      const Y = roundHalfEven(fY) | 0;
      const sx = saturateInt16(X >> INTER_BITS);
      const sy = saturateInt16(Y >> INTER_BITS);
      const x = xb + x1;
      cells[x] = ((Y & (INTER_TAB_SIZE - 1)) << INTER_BITS) + (X & (INTER_TAB_SIZE - 1));
      const t = x * 4;
      if (sx >= 0 && sx < srcWidth - 1 && sy >= 0 && sy < srcHeight - 1) {
        const o = sy * stride + sx * channels;
        taps[t] = o;
        taps[t + 1] = o + channels;
        taps[t + 2] = o + stride;
        taps[t + 3] = o + stride + channels;
      } else {
        const cx0 = borderIndex(sx, srcWidth, border) * channels;
        const cx1 = borderIndex(sx + 1, srcWidth, border) * channels;
        const ry0 = borderIndex(sy, srcHeight, border) * stride;
        const ry1 = borderIndex(sy + 1, srcHeight, border) * stride;
        taps[t] = ry0 + cx0;
        taps[t + 1] = ry0 + cx1;
        taps[t + 2] = ry1 + cx0;
        taps[t + 3] = ry1 + cx1;
      }
    }
  }
}

function blendRowU8(
  src: Uint8Array | Uint8ClampedArray,
  dst: Uint8Array | Uint8ClampedArray,
  dstOffset: number,
  channels: number,
  plan: RowPlan,
): void {
  const { taps, cells } = plan;
  let d = dstOffset;
  for (let x = 0; x < cells.length; x++) {
    const t = x * 4;
    const w = (cells[x] ?? 0) * 4;
    const i00 = taps[t] ?? 0;
    const i01 = taps[t + 1] ?? 0;
    const i10 = taps[t + 2] ?? 0;
    const i11 = taps[t + 3] ?? 0;
    const w00 = FIXED_WEIGHTS[w] ?? 0;
    const w01 = FIXED_WEIGHTS[w + 1] ?? 0;
    const w10 = FIXED_WEIGHTS[w + 2] ?? 0;
    const w11 = FIXED_WEIGHTS[w + 3] ?? 0;
    for (let c = 0; c < channels; c++) {
      const sum =
        (src[i00 + c] ?? 0) * w00 + (src[i01 + c] ?? 0) * w01 + (src[i10 + c] ?? 0) * w10 + (src[i11 + c] ?? 0) * w11;
      dst[d++] = (sum + COEF_ROUND) >> COEF_BITS;
    }
  }
}

function blendRowF32(src: Float32Array, dst: Float32Array, dstOffset: number, channels: number, plan: RowPlan): void {
  const { taps, cells } = plan;
  const f = Math.fround;
  let d = dstOffset;
  for (let x = 0; x < cells.length; x++) {
    const t = x * 4;
    const w = (cells[x] ?? 0) * 4;
    const i00 = taps[t] ?? 0;
    const i01 = taps[t + 1] ?? 0;
    const i10 = taps[t + 2] ?? 0;
    const i11 = taps[t + 3] ?? 0;
    const w00 = FLOAT_WEIGHTS[w] ?? 0;
    const w01 = FLOAT_WEIGHTS[w + 1] ?? 0;
    const w10 = FLOAT_WEIGHTS[w + 2] ?? 0;
    const w11 = FLOAT_WEIGHTS[w + 3] ?? 0;
    for (let c = 0; c < channels; c++) {
      const p0 = f((src[i00 + c] ?? 0) * w00);
      const p1 = f((src[i01 + c] ?? 0) * w01);
      const p2 = f((src[i10 + c] ?? 0) * w10);
      const p3 = f((src[i11 + c] ?? 0) * w11);
      dst[d++] = f(f(f(p0 + p1) + p2) + p3);
    }
  }
}

interface WarpPerspectiveRowParams {
  inverse: Float64Array;
  width: number;
  height: number;
  channels: number;
  border: BorderMode;
}

/** Rows [rowStart, rowEnd) of the warp: each row depends only on its index, so threads may share the rows. */
export const WARP_PERSPECTIVE_ROWS = defineRowKernel(
  'warpPerspective',
  (
    params: WarpPerspectiveRowParams,
    buffers:
      | { readonly source: Uint8Array | Uint8ClampedArray; readonly target: Uint8Array | Uint8ClampedArray }
      | { readonly source: Float32Array; readonly target: Float32Array },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { inverse, width, height, channels, border } = params;
    const bandHeight = Math.min(BLOCK_SIZE / 2, height);
    const blockWidth = Math.min(Math.trunc((BLOCK_SIZE * BLOCK_SIZE) / bandHeight), width);
    const plan: RowPlan = { taps: new Int32Array(width * 4), cells: new Uint16Array(width) };
    const rowSamples = width * channels;
    for (let y = rowStart; y < rowEnd; y++) {
      planRow(inverse, y, blockWidth, width, height, channels, border, plan);
      if (buffers.source instanceof Float32Array) {
        blendRowF32(buffers.source, buffers.target as Float32Array, y * rowSamples, channels, plan);
      } else {
        blendRowU8(buffers.source, buffers.target as Uint8Array, y * rowSamples, channels, plan);
      }
    }
  },
);

/**
 * Warps `src` by the forward matrix `forward` (row-major 3×3, destination = forward · source), output the same
 * size as the input, like `cv2.warpPerspective(src, forward, (w, h), borderMode=...)`. Rows run on the image
 * pool (threads/row-pool.ts).
 */
export function warpPerspective<F extends PixelFormat>(
  src: RawImage<F>,
  forward: Float64Array,
  border: BorderMode,
): RawImage<F> {
  const { width, height, channels } = src;
  const out = createRawImage(src.format, width, height, channels);
  runRows({
    kernel: WARP_PERSPECTIVE_ROWS,
    params: { inverse: invert3x3(forward), width, height, channels, border },
    buffers: { source: src.data, target: out.data } as Parameters<typeof WARP_PERSPECTIVE_ROWS.run>[1],
    outputs: ['target'],
    rows: height,
    pixels: width * height,
  });
  return out;
}

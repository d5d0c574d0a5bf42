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
 * Where every destination pixel samples its source: OpenCV's fixed-point source position (`X`, `Y` in 1/32 px,
 * `saturate_cast<int>` of the scaled double), two int32 per pixel. It depends on the matrix and the size alone, not
 * on the image, its channels or its format, so a loop can compute it before the image exists and warp several
 * images with it (`planWarpPerspective`, `applyWarpPlan`); the double arithmetic is about a third of a warp's time.
 */
export interface WarpPlan {
  readonly width: number;
  readonly height: number;
  readonly positions: Int32Array;
}

/** Rows [rowStart, rowEnd) of a plan: OpenCV's per-block position sums, each row from its index alone. */
export const WARP_PLAN_ROWS = defineRowKernel(
  'warpPlan',
  (
    params: { readonly inverse: Float64Array; readonly width: number; readonly height: number },
    buffers: { readonly positions: Int32Array },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { inverse, width, height } = params;
    const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, m6 = 0, m7 = 0, m8 = 0] = inverse;
    const { positions } = buffers;
    const bandHeight = Math.min(BLOCK_SIZE / 2, height);
    const blockWidth = Math.min(Math.trunc((BLOCK_SIZE * BLOCK_SIZE) / bandHeight), width);
    for (let y = rowStart; y < rowEnd; y++) {
      for (let xb = 0, p = y * width * 2; xb < width; xb += blockWidth) {
        const x0 = m0 * xb + m1 * y + m2;
        const y0 = m3 * xb + m4 * y + m5;
        const w0 = m6 * xb + m7 * y + m8;
        const end = Math.min(blockWidth, width - xb);
        for (let x1 = 0; x1 < end; x1++, p += 2) {
          let w = w0 + m6 * x1;
          w = w !== 0 ? INTER_TAB_SIZE / w : 0;
          const fX = Math.max(INT_MIN, Math.min(INT_MAX, (x0 + m0 * x1) * w));
          const fY = Math.max(INT_MIN, Math.min(INT_MAX, (y0 + m3 * x1) * w));
          positions[p] = roundHalfEven(fX) | 0;
          positions[p + 1] = roundHalfEven(fY) | 0;
        }
      }
    }
  },
);

/**
 * The plan of the warp by the forward matrix `forward` (destination = forward · source) of a width × height image,
 * written into `reuse` when given (a plan of the same size no longer needed).
 */
export function planWarpPerspective(forward: Float64Array, width: number, height: number, reuse?: WarpPlan): WarpPlan {
  if (reuse !== undefined && (reuse.width !== width || reuse.height !== height)) {
    throw new RangeError(`a ${reuse.width}×${reuse.height} plan cannot hold a ${width}×${height} one`);
  }
  const positions = reuse?.positions ?? new Int32Array(width * height * 2);
  runRows({
    kernel: WARP_PLAN_ROWS,
    params: { inverse: invert3x3(forward), width, height },
    buffers: { positions },
    outputs: ['positions'],
    rows: height,
    pixels: width * height,
  });
  return { width, height, positions };
}

/** The row being blended: its plan positions, the source's size and border, the destination's first sample. */
interface BlendRow {
  readonly positions: Int32Array;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly border: BorderMode;
  readonly dstOffset: number;
}

/** The four source offsets of a pixel whose taps leave the image, through the border; into `EDGE_TAPS`. */
const EDGE_TAPS = new Int32Array(4);

function edgeTaps(sx: number, sy: number, row: BlendRow): void {
  const { width, height, channels, border } = row;
  const stride = width * channels;
  const cx0 = borderIndex(sx, width, border) * channels;
  const cx1 = borderIndex(sx + 1, width, border) * channels;
  const ry0 = borderIndex(sy, height, border) * stride;
  const ry1 = borderIndex(sy + 1, height, border) * stride;
  EDGE_TAPS[0] = ry0 + cx0;
  EDGE_TAPS[1] = ry0 + cx1;
  EDGE_TAPS[2] = ry1 + cx0;
  EDGE_TAPS[3] = ry1 + cx1;
}

/*
 * The two row blends below read each pixel's taps from its plan position: (x0, y0), (x1, y0), (x0, y1), (x1, y1) at
 * offsets o, o + channels, o + stride, o + stride + channels when all four are inside, else through the border.
 * RGB is written out channel by channel: about a fifth faster at 512² than the loop over channels the other
 * counts take. The loops are two on purpose: one loop taking the blend and weight table as parameters ran 2.3–3×
 * slower (its element reads and the blend call become polymorphic), one computing the taps in a shared helper
 * 13 % slower.
 */

/** One u8 sample: the four taps with 15-bit weights, rounded. */
function blendU8(
  src: Uint8Array | Uint8ClampedArray,
  i00: number,
  i01: number,
  i10: number,
  i11: number,
  w00: number,
  w01: number,
  w10: number,
  w11: number,
): number {
  const sum =
    (src[i00] as number) * w00 + (src[i01] as number) * w01 + (src[i10] as number) * w10 + (src[i11] as number) * w11;
  return (sum + COEF_ROUND) >> COEF_BITS;
}

function blendRowU8(src: Uint8Array | Uint8ClampedArray, dst: Uint8Array | Uint8ClampedArray, row: BlendRow): void {
  const { positions, width, height, channels } = row;
  const stride = width * channels;
  let d = row.dstOffset;
  for (let x = 0, p = row.y * width * 2; x < width; x++, p += 2) {
    const X = positions[p] as number;
    const Y = positions[p + 1] as number;
    const sx = saturateInt16(X >> INTER_BITS);
    const sy = saturateInt16(Y >> INTER_BITS);
    const w = (((Y & (INTER_TAB_SIZE - 1)) << INTER_BITS) + (X & (INTER_TAB_SIZE - 1))) * 4;
    let i00: number, i01: number, i10: number, i11: number;
    if (sx >= 0 && sx < width - 1 && sy >= 0 && sy < height - 1) {
      i00 = sy * stride + sx * channels;
      i01 = i00 + channels;
      i10 = i00 + stride;
      i11 = i10 + channels;
    } else {
      edgeTaps(sx, sy, row);
      [i00, i01, i10, i11] = EDGE_TAPS as unknown as [number, number, number, number];
    }
    const w00 = FIXED_WEIGHTS[w] as number;
    const w01 = FIXED_WEIGHTS[w + 1] as number;
    const w10 = FIXED_WEIGHTS[w + 2] as number;
    const w11 = FIXED_WEIGHTS[w + 3] as number;
    if (channels === 3) {
      dst[d] = blendU8(src, i00, i01, i10, i11, w00, w01, w10, w11);
      dst[d + 1] = blendU8(src, i00 + 1, i01 + 1, i10 + 1, i11 + 1, w00, w01, w10, w11);
      dst[d + 2] = blendU8(src, i00 + 2, i01 + 2, i10 + 2, i11 + 2, w00, w01, w10, w11);
      d += 3;
      continue;
    }
    for (let c = 0; c < channels; c++) dst[d++] = blendU8(src, i00 + c, i01 + c, i10 + c, i11 + c, w00, w01, w10, w11);
  }
}

/** One f32 sample: the four weighted taps in float32, summed left to right. */
function blendF32(
  src: Float32Array,
  i00: number,
  i01: number,
  i10: number,
  i11: number,
  w00: number,
  w01: number,
  w10: number,
  w11: number,
): number {
  const f = Math.fround;
  const p0 = f((src[i00] as number) * w00);
  const p1 = f((src[i01] as number) * w01);
  const p2 = f((src[i10] as number) * w10);
  const p3 = f((src[i11] as number) * w11);
  return f(f(f(p0 + p1) + p2) + p3);
}

function blendRowF32(src: Float32Array, dst: Float32Array, row: BlendRow): void {
  const { positions, width, height, channels } = row;
  const stride = width * channels;
  let d = row.dstOffset;
  for (let x = 0, p = row.y * width * 2; x < width; x++, p += 2) {
    const X = positions[p] as number;
    const Y = positions[p + 1] as number;
    const sx = saturateInt16(X >> INTER_BITS);
    const sy = saturateInt16(Y >> INTER_BITS);
    const w = (((Y & (INTER_TAB_SIZE - 1)) << INTER_BITS) + (X & (INTER_TAB_SIZE - 1))) * 4;
    let i00: number, i01: number, i10: number, i11: number;
    if (sx >= 0 && sx < width - 1 && sy >= 0 && sy < height - 1) {
      i00 = sy * stride + sx * channels;
      i01 = i00 + channels;
      i10 = i00 + stride;
      i11 = i10 + channels;
    } else {
      edgeTaps(sx, sy, row);
      [i00, i01, i10, i11] = EDGE_TAPS as unknown as [number, number, number, number];
    }
    const w00 = FLOAT_WEIGHTS[w] as number;
    const w01 = FLOAT_WEIGHTS[w + 1] as number;
    const w10 = FLOAT_WEIGHTS[w + 2] as number;
    const w11 = FLOAT_WEIGHTS[w + 3] as number;
    if (channels === 3) {
      dst[d] = blendF32(src, i00, i01, i10, i11, w00, w01, w10, w11);
      dst[d + 1] = blendF32(src, i00 + 1, i01 + 1, i10 + 1, i11 + 1, w00, w01, w10, w11);
      dst[d + 2] = blendF32(src, i00 + 2, i01 + 2, i10 + 2, i11 + 2, w00, w01, w10, w11);
      d += 3;
      continue;
    }
    for (let c = 0; c < channels; c++) dst[d++] = blendF32(src, i00 + c, i01 + c, i10 + c, i11 + c, w00, w01, w10, w11);
  }
}

interface WarpPerspectiveRowParams {
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
      | {
          readonly positions: Int32Array;
          readonly source: Uint8Array | Uint8ClampedArray;
          readonly target: Uint8Array | Uint8ClampedArray;
        }
      | { readonly positions: Int32Array; readonly source: Float32Array; readonly target: Float32Array },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { width, height, channels, border } = params;
    const { positions } = buffers;
    for (let y = rowStart; y < rowEnd; y++) {
      const row: BlendRow = { positions, y, width, height, channels, border, dstOffset: y * width * channels };
      if (buffers.source instanceof Float32Array) {
        blendRowF32(buffers.source, buffers.target as Float32Array, row);
      } else {
        blendRowU8(buffers.source, buffers.target as Uint8Array, row);
      }
    }
  },
);

/** Warps `src` along a plan made for its size; the output has the input's size and format. */
export function applyWarpPlan<F extends PixelFormat>(
  src: RawImage<F>,
  plan: WarpPlan,
  border: BorderMode,
): RawImage<F> {
  const { width, height, channels } = src;
  if (plan.width !== width || plan.height !== height) {
    throw new RangeError(`a warp plan for ${plan.width}×${plan.height} cannot warp a ${width}×${height} image`);
  }
  const out = createRawImage(src.format, width, height, channels);
  runRows({
    kernel: WARP_PERSPECTIVE_ROWS,
    params: { width, height, channels, border },
    buffers: { positions: plan.positions, source: src.data, target: out.data } as Parameters<
      typeof WARP_PERSPECTIVE_ROWS.run
    >[1],
    outputs: ['target'],
    rows: height,
    pixels: width * height,
  });
  return out;
}

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
  return applyWarpPlan(src, planWarpPerspective(forward, src.width, src.height), border);
}

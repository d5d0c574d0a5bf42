/**
 * `torch.nn.functional.grid_sample(input, grid, mode, padding_mode, align_corners=False)` for one HWC image, as
 * the CPU kernel of PyTorch 1.13 computes it (aten/src/ATen/native/cpu/GridSamplerKernel.cpp, the vectorised
 * path every float32 input of Deforum's size takes):
 * - a grid value g ∈ [−1, 1] maps to the source coordinate `(g + 1)·(size/2) − 0.5` (pixel centres at integers,
 *   the image edges at −0.5 and size − 0.5);
 * - bilinear and nearest apply the padding rule to that coordinate, then interpolate; nearest rounds half to even;
 * - bicubic (cubic convolution, A = −0.75, 4×4 taps) floors the unpadded coordinate and applies the padding rule
 *   to every tap on its own;
 * - padding: `zeros` reads 0 outside, `border` clamps to [0, size − 1], `reflection` mirrors about −0.5 and
 *   size − 0.5 and then clamps.
 * The per-pixel coordinate and weight arithmetic is rounded to float32 step by step like the kernel's, so ties
 * (nearest rounding, which taps a coordinate reaches) fall the same way; the blends are float32 too, summed in the
 * kernel's order. A NaN coordinate reads pixel 0 under border/reflection and 0 under zeros, as in PyTorch.
 */
import { createRawImage, type RawImage } from './raw-image.js';

/** `sampling_mode` (spec §10). */
export type SamplingMode = 'bicubic' | 'bilinear' | 'nearest';

/** `padding_mode` (spec §10). */
export type PaddingMode = 'border' | 'reflection' | 'zeros';

/** A sampling grid of shape (height, width, 2): normalised (x, y) per output pixel, x = −1 the left edge. */
export interface SampleGrid {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export interface GridSampleOptions {
  mode: SamplingMode;
  padding: PaddingMode;
}

const f = Math.fround;
/** Cubic convolution constant, as in UpSampleBicubic2d.h. */
export const CUBIC_A = -0.75;
const A = CUBIC_A;

/** One input dimension's constants (`ComputeLocationBase<float, align_corners=false>`). */
interface Axis {
  readonly size: number;
  readonly max: number;
  readonly scale: number;
  readonly twiceSpan: number;
}

function axisOf(size: number): Axis {
  return { size, max: size - 1, scale: f(size / 2), twiceSpan: size * 2 };
}

function unnormalize(g: number, axis: Axis): number {
  return f(f(f(g + 1) * axis.scale) - 0.5);
}

/** `clip_coordinates`: NaN becomes 0, as the kernel's operand order makes it. */
function clip(x: number, axis: Axis): number {
  return x > 0 ? (x < axis.max ? x : axis.max) : 0;
}

/** `reflect_coordinates` for align_corners = False: mirror about −0.5 and size − 0.5. */
function reflect(x: number, axis: Axis): number {
  const absIn = Math.abs(f(x + 0.5));
  const doubleFlips = Math.trunc(f(absIn / axis.twiceSpan));
  const extra = f(absIn - f(doubleFlips * axis.twiceSpan));
  return f(Math.min(extra, f(axis.twiceSpan - extra)) - 0.5);
}

/** `compute_coordinates`: the padding rule applied to an unnormalised coordinate. */
function pad(x: number, axis: Axis, padding: PaddingMode): number {
  if (padding === 'border') return clip(x, axis);
  if (padding === 'reflection') return clip(reflect(x, axis), axis);
  return x;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Index of an integer-valued tap after padding, or −1 when it reads the zero padding. */
function tapIndex(t: number, axis: Axis, padding: PaddingMode): number {
  const p = pad(t, axis, padding);
  return p >= 0 && p <= axis.max ? Math.trunc(p) : -1;
}

const A5 = f(5 * A);
const A8 = f(8 * A);
const A4 = f(4 * A);

/** Cubic-convolution weight of a tap 1 < x < 2 away, in the kernel's float32 operation order. */
function outerWeight(x: number): number {
  return f(f(f(f(f(f(A * x) - A5) * x) + A8) * x) - A4);
}

/** Weight of a tap x ≤ 1 away. */
function innerWeight(x: number): number {
  return f(f(f(f(f((A + 2) * x) - (A + 3)) * x) * x) + 1);
}

/** The four cubic-convolution weights for a fraction t ∈ [0, 1). */
function cubicWeights(t: number, out: Float64Array): void {
  out[0] = outerWeight(f(t + 1));
  out[1] = innerWeight(t);
  out[2] = innerWeight(f(1 - t));
  out[3] = outerWeight(f(2 - t));
}

function sampleNearest(
  src: Float32Array,
  dst: Float32Array,
  d: number,
  x: number,
  y: number,
  cols: Axis,
  rows: Axis,
  channels: number,
): void {
  const ix = roundHalfEven(x);
  const iy = roundHalfEven(y);
  if (!(ix >= 0 && ix <= cols.max && iy >= 0 && iy <= rows.max)) return;
  const s = (iy * cols.size + ix) * channels;
  for (let c = 0; c < channels; c++) dst[d + c] = src[s + c] ?? 0;
}

function sampleBilinear(
  src: Float32Array,
  dst: Float32Array,
  d: number,
  x: number,
  y: number,
  cols: Axis,
  rows: Axis,
  channels: number,
): void {
  const xw = Math.floor(x);
  const yn = Math.floor(y);
  const w = f(x - xw);
  const e = f(1 - w);
  const n = f(y - yn);
  const s = f(1 - n);
  const wIn = xw >= 0 && xw <= cols.max;
  const eIn = xw + 1 >= 0 && xw + 1 <= cols.max;
  const nIn = yn >= 0 && yn <= rows.max;
  const sIn = yn + 1 >= 0 && yn + 1 <= rows.max;
  const nw = wIn && nIn ? f(s * e) : 0;
  const ne = eIn && nIn ? f(s * w) : 0;
  const sw = wIn && sIn ? f(n * e) : 0;
  const se = eIn && sIn ? f(n * w) : 0;
  const stride = cols.size * channels;
  const o = yn * stride + xw * channels;
  for (let c = 0; c < channels; c++) {
    const vnw = nw === 0 ? 0 : f((src[o + c] ?? 0) * nw);
    const vne = ne === 0 ? 0 : f((src[o + channels + c] ?? 0) * ne);
    const vsw = sw === 0 ? 0 : f((src[o + stride + c] ?? 0) * sw);
    const vse = se === 0 ? 0 : f((src[o + stride + channels + c] ?? 0) * se);
    dst[d + c] = f(f(f(vnw + vne) + vsw) + vse);
  }
}

/** Per-pixel scratch of the bicubic path: tap offsets and weights, reused for every pixel. */
interface CubicScratch {
  readonly colOffsets: Int32Array;
  readonly rowOffsets: Int32Array;
  readonly colWeights: Float64Array;
  readonly rowWeights: Float64Array;
}

function sampleBicubic(
  src: Float32Array,
  dst: Float32Array,
  d: number,
  x: number,
  y: number,
  cols: Axis,
  rows: Axis,
  channels: number,
  padding: PaddingMode,
  scratch: CubicScratch,
): void {
  const { colOffsets, rowOffsets, colWeights, rowWeights } = scratch;
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  cubicWeights(f(x - ix), colWeights);
  cubicWeights(f(y - iy), rowWeights);
  const stride = cols.size * channels;
  for (let k = 0; k < 4; k++) {
    const col = tapIndex(ix - 1 + k, cols, padding);
    const row = tapIndex(iy - 1 + k, rows, padding);
    colOffsets[k] = col < 0 ? -1 : col * channels;
    rowOffsets[k] = row < 0 ? -1 : row * stride;
  }
  // Indexed reads into locals: destructuring a typed array goes through its iterator, 4× slower here.
  const c0 = colOffsets[0] ?? -1;
  const c1 = colOffsets[1] ?? -1;
  const c2 = colOffsets[2] ?? -1;
  const c3 = colOffsets[3] ?? -1;
  const w0 = colWeights[0] ?? 0;
  const w1 = colWeights[1] ?? 0;
  const w2 = colWeights[2] ?? 0;
  const w3 = colWeights[3] ?? 0;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let k = 0; k < 4; k++) {
      const r = rowOffsets[k] ?? -1;
      let line = 0;
      if (r >= 0) {
        const o = r + c;
        const v0 = c0 < 0 ? 0 : f(w0 * (src[o + c0] ?? 0));
        const v1 = c1 < 0 ? 0 : f(w1 * (src[o + c1] ?? 0));
        const v2 = c2 < 0 ? 0 : f(w2 * (src[o + c2] ?? 0));
        const v3 = c3 < 0 ? 0 : f(w3 * (src[o + c3] ?? 0));
        line = f(f(f(v0 + v1) + v2) + v3);
      }
      const term = f((rowWeights[k] ?? 0) * line);
      sum = k === 0 ? term : f(sum + term);
    }
    dst[d + c] = sum;
  }
}

/** Bicubic samples one grid point at a time, every tap through the padding rule (`bicubicPoints`). */
export interface BicubicPoints {
  /** Widens `range` to take in the source rows that the taps of a point at normalised y `gy` read. */
  widenTapRows(gy: number, range: { first: number; last: number }): void;
  /** The sample at the normalised grid point (gx, gy), every channel, into `dst` from `d`. */
  sample(src: Float32Array, dst: Float32Array, d: number, gx: number, gy: number): void;
}

/**
 * The bicubic sampler of an image of `size`, point by point: the reference of the SIMD rows
 * (grid-sample-simd.ts), which also hand it the points their kernel does not take.
 */
export function bicubicPoints(
  size: { readonly width: number; readonly height: number; readonly channels: number },
  padding: PaddingMode,
): BicubicPoints {
  const { channels } = size;
  const cols = axisOf(size.width);
  const rows = axisOf(size.height);
  const scratch: CubicScratch = {
    colOffsets: new Int32Array(4),
    rowOffsets: new Int32Array(4),
    colWeights: new Float64Array(4),
    rowWeights: new Float64Array(4),
  };
  return {
    widenTapRows(gy, range) {
      const iy = Math.floor(unnormalize(gy, rows));
      for (let k = 0; k < 4; k++) {
        const row = tapIndex(iy - 1 + k, rows, padding);
        if (row < 0) continue;
        if (row < range.first) range.first = row;
        if (row > range.last) range.last = row;
      }
    },
    sample(src, dst, d, gx, gy) {
      sampleBicubic(src, dst, d, unnormalize(gx, cols), unnormalize(gy, rows), cols, rows, channels, padding, scratch);
    },
  };
}

/**
 * Samples `input` at every grid point; the output has the grid's size and the input's channels. Points that
 * read only zero padding stay 0. The reference of the SIMD rows of the 3D warp (grid-sample-simd.ts).
 */
export function gridSample(input: RawImage<'f32'>, grid: SampleGrid, options: GridSampleOptions): RawImage<'f32'> {
  const { mode, padding } = options;
  const { channels, data: src } = input;
  const g = grid.data;
  const count = grid.width * grid.height;
  const out = createRawImage('f32', grid.width, grid.height, channels);
  const dst = out.data;
  if (mode === 'bicubic') {
    const points = bicubicPoints(input, padding);
    for (let p = 0; p < count; p++) points.sample(src, dst, p * channels, g[2 * p] ?? 0, g[2 * p + 1] ?? 0);
    return out;
  }
  const cols = axisOf(input.width);
  const rows = axisOf(input.height);
  for (let p = 0; p < count; p++) {
    const d = p * channels;
    const x = pad(unnormalize(g[2 * p] ?? 0, cols), cols, padding);
    const y = pad(unnormalize(g[2 * p + 1] ?? 0, rows), rows, padding);
    if (mode === 'bilinear') sampleBilinear(src, dst, d, x, y, cols, rows, channels);
    else sampleNearest(src, dst, d, x, y, cols, rows, channels);
  }
  return out;
}

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
const A = -0.75;

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

/**
 * Bicubic sampling of every grid point, with a fast path for points whose 4×4 taps all lie inside the image (all
 * but a frame's outer ring and its off-image points): there every padding rule is the identity, so the taps are
 * read directly, the weights computed inline and the 4×4 blend unrolled. The float32 operations and their
 * order are those of `sampleBicubic`, which still takes every other point, so the output is the same bit for bit
 * (bench/image.bench.ts: the whole 512² RGB 3D warp from ~65 ms to ~30 ms).
 */
function gridSampleBicubic(
  src: Float32Array,
  dst: Float32Array,
  g: Float32Array,
  count: number,
  cols: Axis,
  rows: Axis,
  channels: number,
  padding: PaddingMode,
  scratch: CubicScratch,
): void {
  const stride = cols.size * channels;
  const lastCol = cols.max - 2;
  const lastRow = rows.max - 2;
  const { scale: scaleX } = cols;
  const { scale: scaleY } = rows;
  for (let p = 0; p < count; p++) {
    const d = p * channels;
    const x = f(f(f((g[2 * p] as number) + 1) * scaleX) - 0.5);
    const y = f(f(f((g[2 * p + 1] as number) + 1) * scaleY) - 0.5);
    const ix = Math.floor(x);
    const iy = Math.floor(y);
    if (!(ix >= 1 && ix <= lastCol && iy >= 1 && iy <= lastRow)) {
      sampleBicubic(src, dst, d, x, y, cols, rows, channels, padding, scratch);
      continue;
    }
    const tx = f(x - ix);
    const ty = f(y - iy);
    const w0 = outerWeight(f(tx + 1));
    const w1 = innerWeight(tx);
    const w2 = innerWeight(f(1 - tx));
    const w3 = outerWeight(f(2 - tx));
    const r0 = outerWeight(f(ty + 1));
    const r1 = innerWeight(ty);
    const r2 = innerWeight(f(1 - ty));
    const r3 = outerWeight(f(2 - ty));
    const o0 = (iy - 1) * stride + (ix - 1) * channels;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    const c1 = channels;
    const c2 = 2 * channels;
    const c3 = 3 * channels;
    for (let c = 0; c < channels; c++) {
      const a0 = o0 + c;
      const a1 = o1 + c;
      const a2 = o2 + c;
      const a3 = o3 + c;
      const l0 = f(
        f(f(f(w0 * (src[a0] as number)) + f(w1 * (src[a0 + c1] as number))) + f(w2 * (src[a0 + c2] as number))) +
          f(w3 * (src[a0 + c3] as number)),
      );
      const l1 = f(
        f(f(f(w0 * (src[a1] as number)) + f(w1 * (src[a1 + c1] as number))) + f(w2 * (src[a1 + c2] as number))) +
          f(w3 * (src[a1 + c3] as number)),
      );
      const l2 = f(
        f(f(f(w0 * (src[a2] as number)) + f(w1 * (src[a2 + c1] as number))) + f(w2 * (src[a2 + c2] as number))) +
          f(w3 * (src[a2 + c3] as number)),
      );
      const l3 = f(
        f(f(f(w0 * (src[a3] as number)) + f(w1 * (src[a3 + c1] as number))) + f(w2 * (src[a3 + c2] as number))) +
          f(w3 * (src[a3 + c3] as number)),
      );
      dst[d + c] = f(f(f(f(r0 * l0) + f(r1 * l1)) + f(r2 * l2)) + f(r3 * l3));
    }
  }
}

/**
 * Samples `input` at every grid point; the output has the grid's size and the input's channels. Points that
 * read only zero padding stay 0.
 */
export function gridSample(input: RawImage<'f32'>, grid: SampleGrid, options: GridSampleOptions): RawImage<'f32'> {
  const out = createRawImage('f32', grid.width, grid.height, input.channels);
  gridSamplePoints(input.data, input, grid.data, out.data, grid.width * grid.height, options);
  return out;
}

/**
 * `gridSample` of the first `count` points of `g` into `dst` from its start (left as it is where a point reads
 * only zero padding): each point's sample depends only on its own grid value, so the row-parallel 3D warp
 * (warp-3d.ts) samples a few rows at a time with the same bytes.
 */
export function gridSamplePoints(
  src: Float32Array,
  size: { readonly width: number; readonly height: number; readonly channels: number },
  g: Float32Array,
  dst: Float32Array,
  count: number,
  options: GridSampleOptions,
): void {
  const { mode, padding } = options;
  const { channels } = size;
  const cols = axisOf(size.width);
  const rows = axisOf(size.height);
  const scratch: CubicScratch = {
    colOffsets: new Int32Array(4),
    rowOffsets: new Int32Array(4),
    colWeights: new Float64Array(4),
    rowWeights: new Float64Array(4),
  };
  if (mode === 'bicubic') {
    gridSampleBicubic(src, dst, g, count, cols, rows, channels, padding, scratch);
    return;
  }
  for (let p = 0; p < count; p++) {
    const d = p * channels;
    const x = pad(unnormalize(g[2 * p] ?? 0, cols), cols, padding);
    const y = pad(unnormalize(g[2 * p + 1] ?? 0, rows), rows, padding);
    if (mode === 'bilinear') sampleBilinear(src, dst, d, x, y, cols, rows, channels);
    else sampleNearest(src, dst, d, x, y, cols, rows, channels);
  }
}

/**
 * Distance from an integer below which the u8 fast path of `gridSampleBicubicU8` defers to the exact float32
 * arithmetic. The fast path blends the bytes in float64 with the kernel's own float32 cubic weights (the same
 * values), the offset added once as offset·Σw·Σr; the kernel blends float32(byte + offset) in float32. Bounds at
 * 8-bit input (samples ≤ 256, |weights| summing to ≤ 1.375 per axis):
 * - float32 blend of the 16 taps: ≤ γ₄·1.375·352 + 1.375·γ₄·1.375·256 ≈ 2.3e-4 (γ₄ = 4·2⁻²⁴);
 * - float32 rounding of byte + offset: ≤ 1.375²·2⁻¹⁷ ≈ 1.5e-5; the float64 sums: ~1e-12;
 * together under 2.5e-4, against a margin of 1/1024 ≈ 9.8e-4. Outside the margin both truncate to the same byte
 * (checked on random and golden inputs: 0 differing bytes). Evaluating the weights in float64 instead moved the
 * blend by up to 2.9e-3 and needed a margin of 1/128, which flat areas fall inside (byte + 0.00185 after the
 * offset): at 512² the exact path then took about a quarter of the warp's time; the float32 weights cost less.
 */
const U8_TIE_MARGIN = 1 / 1024;

/**
 * The exact float32 bicubic sample at an interior point (all 4×4 taps inside) whose top-left tap of the wanted
 * channel is at `o0`, reading 8-bit samples through `lut` (byte → float32 sample), with `gridSampleBicubic`'s
 * float32 weights and operation order.
 */
function interiorExactU8(
  src: Uint8Array | Uint8ClampedArray,
  lut: Float32Array,
  o0: number,
  stride: number,
  channels: number,
  tx: number,
  ty: number,
): number {
  const w0 = outerWeight(f(tx + 1));
  const w1 = innerWeight(tx);
  const w2 = innerWeight(f(1 - tx));
  const w3 = outerWeight(f(2 - tx));
  const r0 = outerWeight(f(ty + 1));
  const r1 = innerWeight(ty);
  const r2 = innerWeight(f(1 - ty));
  const r3 = outerWeight(f(2 - ty));
  const c1 = channels;
  const c2 = 2 * channels;
  const c3 = 3 * channels;
  let sum = 0;
  for (let k = 0; k < 4; k++) {
    const a = o0 + k * stride;
    const line = f(
      f(
        f(f(w0 * (lut[src[a] as number] as number)) + f(w1 * (lut[src[a + c1] as number] as number))) +
          f(w2 * (lut[src[a + c2] as number] as number)),
      ) + f(w3 * (lut[src[a + c3] as number] as number)),
    );
    const r = k === 0 ? r0 : k === 1 ? r1 : k === 2 ? r2 : r3;
    const term = f(r * line);
    sum = k === 0 ? term : f(sum + term);
  }
  return sum;
}

/** `sampleBicubic` for 8-bit samples read through `lut`; writes nothing, returns the float32 sample per channel. */
function sampleBicubicU8(
  src: Uint8Array | Uint8ClampedArray,
  lut: Float32Array,
  out: Float64Array,
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
  const c0 = colOffsets[0] as number;
  const c1 = colOffsets[1] as number;
  const c2 = colOffsets[2] as number;
  const c3 = colOffsets[3] as number;
  const w0 = colWeights[0] as number;
  const w1 = colWeights[1] as number;
  const w2 = colWeights[2] as number;
  const w3 = colWeights[3] as number;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let k = 0; k < 4; k++) {
      const r = rowOffsets[k] as number;
      let line = 0;
      if (r >= 0) {
        const o = r + c;
        const v0 = c0 < 0 ? 0 : f(w0 * (lut[src[o + c0] as number] as number));
        const v1 = c1 < 0 ? 0 : f(w1 * (lut[src[o + c1] as number] as number));
        const v2 = c2 < 0 ? 0 : f(w2 * (lut[src[o + c2] as number] as number));
        const v3 = c3 < 0 ? 0 : f(w3 * (lut[src[o + c3] as number] as number));
        line = f(f(f(v0 + v1) + v2) + v3);
      }
      const term = f((rowWeights[k] as number) * line);
      sum = k === 0 ? term : f(sum + term);
    }
    out[c] = sum;
  }
}

/** `astype(uint8)` of a clamped sample: 0 below 0 (and for NaN), 255 above 255, else truncated. */
function clampTruncate(v: number): number {
  return v > 0 ? (v < 255 ? Math.trunc(v) : 255) : 0;
}

/**
 * The 3D warp's 8-bit bicubic path: `trunc(clamp(gridSample(bytes + offset), 0, 255))` per sample, the bytes the
 * float32 path (`gridSample` on the offset float32 image, then clamp and truncate) gives, bit for bit.
 * Interior points (all 4×4 taps inside the image) blend the bytes and the cubic weights in float64, the offset
 * added once as offset·Σw·Σr; only a result within `U8_TIE_MARGIN` of an integer — where float32
 * rounding could move it across the truncation — is recomputed in the kernel's float32 order. Edge and off-image
 * points take the exact per-tap path. `offset` must make `f(byte + offset)` the float32 samples the reference
 * sees. Channels 1..4.
 */
export function gridSampleBicubicU8(
  input: RawImage<'u8'>,
  grid: SampleGrid,
  padding: PaddingMode,
  offset: number,
): Uint8Array {
  const pixels = grid.width * grid.height;
  const dst = new Uint8Array(pixels * input.channels);
  gridSampleBicubicU8Pixels(input.data, input, grid.data, dst, 0, pixels, padding, offset);
  return dst;
}

/**
 * `gridSampleBicubicU8` for output pixels [pixelStart, pixelEnd) only, into `dst` (the whole output); `g` holds
 * the grid from pixel `pixelStart` on. Each pixel depends only on its own grid point, so any split of the pixels
 * gives the same bytes (the row-parallel 3D warp, warp-3d.ts).
 */
export function gridSampleBicubicU8Pixels(
  src: Uint8Array | Uint8ClampedArray,
  size: { readonly width: number; readonly height: number; readonly channels: number },
  g: Float32Array,
  dst: Uint8Array | Uint8ClampedArray,
  pixelStart: number,
  pixelEnd: number,
  padding: PaddingMode,
  offset: number,
): void {
  const { channels } = size;
  const cols = axisOf(size.width);
  const rows = axisOf(size.height);
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v + offset;
  const scratch: CubicScratch = {
    colOffsets: new Int32Array(4),
    rowOffsets: new Int32Array(4),
    colWeights: new Float64Array(4),
    rowWeights: new Float64Array(4),
  };
  const edge = new Float64Array(channels);
  const words = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const stride = cols.size * channels;
  const lastCol = cols.max - 2;
  const lastRow = rows.max - 2;
  const { scale: scaleX } = cols;
  const { scale: scaleY } = rows;
  const hi = 1 - U8_TIE_MARGIN;
  const c1 = channels;
  const c2 = 2 * channels;
  const c3 = 3 * channels;
  for (let p = pixelStart, q = 0; p < pixelEnd; p++, q += 2) {
    const d = p * channels;
    const x = f(f(f((g[q] as number) + 1) * scaleX) - 0.5);
    const y = f(f(f((g[q + 1] as number) + 1) * scaleY) - 0.5);
    const ix = Math.floor(x);
    const iy = Math.floor(y);
    if (!(ix >= 1 && ix <= lastCol && iy >= 1 && iy <= lastRow)) {
      sampleBicubicU8(src, lut, edge, x, y, cols, rows, channels, padding, scratch);
      for (let c = 0; c < channels; c++) dst[d + c] = clampTruncate(edge[c] as number);
      continue;
    }
    const tx = f(x - ix);
    const ty = f(y - iy);
    const w0 = outerWeight(f(tx + 1));
    const w1 = innerWeight(tx);
    const w2 = innerWeight(f(1 - tx));
    const w3 = outerWeight(f(2 - tx));
    const r0 = outerWeight(f(ty + 1));
    const r1 = innerWeight(ty);
    const r2 = innerWeight(f(1 - ty));
    const r3 = outerWeight(f(2 - ty));
    const base = offset * (w0 + w1 + w2 + w3) * (r0 + r1 + r2 + r3);
    const o0 = (iy - 1) * stride + (ix - 1) * channels;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    if (channels === 3) {
      // RGB unrolled: each tap row is 12 consecutive bytes (4 pixels × RGB), read once for the three channels as
      // three little-endian 32-bit words (byte n of the row is bits 8·(n mod 4) of word ⌊n/4⌋): the warp ran 6-12 %
      // faster at 512² than with 12 byte reads; a loop over the four rows gave back half of that.
      let u0 = words.getUint32(o0, true);
      let u1 = words.getUint32(o0 + 4, true);
      let u2 = words.getUint32(o0 + 8, true);
      let vr = r0 * (w0 * (u0 & 255) + w1 * (u0 >>> 24) + w2 * ((u1 >>> 16) & 255) + w3 * ((u2 >>> 8) & 255));
      let vg = r0 * (w0 * ((u0 >>> 8) & 255) + w1 * (u1 & 255) + w2 * (u1 >>> 24) + w3 * ((u2 >>> 16) & 255));
      let vb = r0 * (w0 * ((u0 >>> 16) & 255) + w1 * ((u1 >>> 8) & 255) + w2 * (u2 & 255) + w3 * (u2 >>> 24));
      u0 = words.getUint32(o1, true);
      u1 = words.getUint32(o1 + 4, true);
      u2 = words.getUint32(o1 + 8, true);
      vr += r1 * (w0 * (u0 & 255) + w1 * (u0 >>> 24) + w2 * ((u1 >>> 16) & 255) + w3 * ((u2 >>> 8) & 255));
      vg += r1 * (w0 * ((u0 >>> 8) & 255) + w1 * (u1 & 255) + w2 * (u1 >>> 24) + w3 * ((u2 >>> 16) & 255));
      vb += r1 * (w0 * ((u0 >>> 16) & 255) + w1 * ((u1 >>> 8) & 255) + w2 * (u2 & 255) + w3 * (u2 >>> 24));
      u0 = words.getUint32(o2, true);
      u1 = words.getUint32(o2 + 4, true);
      u2 = words.getUint32(o2 + 8, true);
      vr += r2 * (w0 * (u0 & 255) + w1 * (u0 >>> 24) + w2 * ((u1 >>> 16) & 255) + w3 * ((u2 >>> 8) & 255));
      vg += r2 * (w0 * ((u0 >>> 8) & 255) + w1 * (u1 & 255) + w2 * (u1 >>> 24) + w3 * ((u2 >>> 16) & 255));
      vb += r2 * (w0 * ((u0 >>> 16) & 255) + w1 * ((u1 >>> 8) & 255) + w2 * (u2 & 255) + w3 * (u2 >>> 24));
      u0 = words.getUint32(o3, true);
      u1 = words.getUint32(o3 + 4, true);
      u2 = words.getUint32(o3 + 8, true);
      vr += r3 * (w0 * (u0 & 255) + w1 * (u0 >>> 24) + w2 * ((u1 >>> 16) & 255) + w3 * ((u2 >>> 8) & 255)) + base;
      vg += r3 * (w0 * ((u0 >>> 8) & 255) + w1 * (u1 & 255) + w2 * (u1 >>> 24) + w3 * ((u2 >>> 16) & 255)) + base;
      vb += r3 * (w0 * ((u0 >>> 16) & 255) + w1 * ((u1 >>> 8) & 255) + w2 * (u2 & 255) + w3 * (u2 >>> 24)) + base;
      let fr = vr - Math.floor(vr);
      dst[d] =
        fr > U8_TIE_MARGIN && fr < hi
          ? vr > 0
            ? vr < 255
              ? vr
              : 255
            : 0
          : clampTruncate(interiorExactU8(src, lut, o0, stride, 3, tx, ty));
      fr = vg - Math.floor(vg);
      dst[d + 1] =
        fr > U8_TIE_MARGIN && fr < hi
          ? vg > 0
            ? vg < 255
              ? vg
              : 255
            : 0
          : clampTruncate(interiorExactU8(src, lut, o0 + 1, stride, 3, tx, ty));
      fr = vb - Math.floor(vb);
      dst[d + 2] =
        fr > U8_TIE_MARGIN && fr < hi
          ? vb > 0
            ? vb < 255
              ? vb
              : 255
            : 0
          : clampTruncate(interiorExactU8(src, lut, o0 + 2, stride, 3, tx, ty));
      continue;
    }
    for (let c = 0; c < channels; c++) {
      const a0 = o0 + c;
      const a1 = o1 + c;
      const a2 = o2 + c;
      const a3 = o3 + c;
      const v =
        r0 *
          (w0 * (src[a0] as number) +
            w1 * (src[a0 + c1] as number) +
            w2 * (src[a0 + c2] as number) +
            w3 * (src[a0 + c3] as number)) +
        r1 *
          (w0 * (src[a1] as number) +
            w1 * (src[a1 + c1] as number) +
            w2 * (src[a1 + c2] as number) +
            w3 * (src[a1 + c3] as number)) +
        r2 *
          (w0 * (src[a2] as number) +
            w1 * (src[a2 + c1] as number) +
            w2 * (src[a2 + c2] as number) +
            w3 * (src[a2 + c3] as number)) +
        r3 *
          (w0 * (src[a3] as number) +
            w1 * (src[a3 + c1] as number) +
            w2 * (src[a3 + c2] as number) +
            w3 * (src[a3 + c3] as number)) +
        base;
      const floor = Math.floor(v);
      const frac = v - floor;
      dst[d + c] =
        frac > U8_TIE_MARGIN && frac < hi
          ? v > 0
            ? v < 255
              ? floor
              : 255
            : 0
          : clampTruncate(interiorExactU8(src, lut, o0 + c, stride, channels, tx, ty));
    }
  }
}

/**
 * `grid_sample` (grid-sample.ts) of whole output rows with WebAssembly SIMD kernels, for the 3D warp: the
 * samples clamped to 0..255 and stored as float32 or as bytes (a byte store truncates, NaN → 0, as
 * `astype(uint8)`), the same bit for bit as the point-by-point reference. A few rows at a time: their grid, then
 * the kernel samples the points it can and lists the others: bicubic (bicubic-kernel.ts) lists the points near
 * or past the edges for `bicubicPoints`; bilinear and nearest (linear-kernels.ts) take every point.
 * Each thread (main and image helpers) has its own module instance, and a WebAssembly memory cannot view the
 * pool's shared buffers: the source rows the points read are copied in, each at most once per call, as the
 * float32 samples the reference sees, `f32(sample + offset)` (sample-conversion-kernels.ts), so the 8-bit path is
 * exactly the float32 path on the shifted bytes, with no float32 copy of the image.
 * At 512² RGB (bench/warp3d.bench.ts, one thread) the bicubic float32 warp went from ~23 to ~5 ms, the 8-bit one
 * from ~17 to ~5 ms; the 8-bit bilinear one from ~13 to ~4 ms and nearest from ~7 to ~2.5 ms (border padding;
 * about 3.5× faster under zeros and reflection too).
 */
import { instantiateSimd } from '../diffusion/wasm-simd.js';
import { bicubicKernelFunctions } from './bicubic-kernel.js';
import { bicubicPoints, type BicubicPoints, type GridSampleOptions, type PaddingMode } from './grid-sample.js';
import { linearKernelFunctions } from './linear-kernels.js';
import { sampleConversionFunctions } from './sample-conversion-kernels.js';
import { constant, CONSTANTS_BYTES, SLOTS } from './sample-kernel-parts.js';

const PAGE = 65536;
/** Output rows per kernel call: 8 rows of 512 points are 32 KB of grid, still in cache when sampled. */
const GROUP_ROWS = 8;

interface Kernels {
  /** The kernels' memory, grown when an image needs more. */
  memory: ArrayBuffer;
  readonly growTo: (bytes: number) => ArrayBuffer;
  readonly classify: (grid: number, end: number) => void;
  readonly sample: (grid: number, end: number, out: number, edges: number, rowBytes: number) => void;
  readonly widenBytes: (from: number, end: number, to: number) => void;
  readonly shiftFloats: (from: number, end: number, to: number) => void;
  readonly clampFloats: (ptr: number, end: number) => void;
  readonly clampBytes: (from: number, end: number, to: number) => void;
}

/** This thread's kernels per mode, padding (bilinear and nearest) and channel count. */
const kernelsByKind = new Map<string, Kernels>();

function kernelsFor({ mode, padding }: GridSampleOptions, channels: number, bytes: number): Kernels {
  // Bicubic reads its padding from a constant; the others' padding is part of their code.
  const kind = mode === 'bicubic' ? `${mode} ${channels}` : `${mode} ${padding} ${channels}`;
  let kernels = kernelsByKind.get(kind);
  if (kernels === undefined) {
    const sampling =
      mode === 'bicubic' ? bicubicKernelFunctions(channels) : linearKernelFunctions(mode, padding, channels);
    const { memory, growTo, functions } = instantiateSimd(
      [...sampling, ...sampleConversionFunctions(constant(SLOTS.offset))],
      Math.ceil(bytes / PAGE),
    );
    kernels = { memory, growTo, ...functions } as unknown as Kernels;
    kernelsByKind.set(kind, kernels);
  }
  if (kernels.memory.byteLength < bytes) kernels.memory = kernels.growTo(bytes);
  return kernels;
}

const align16 = (bytes: number): number => 16 * Math.ceil(bytes / 16);

/** Byte offsets in the kernels' memory for an image of `width` × `height` × `channels` given in `bytesPerSample`. */
function layoutFor(width: number, height: number, channels: number, bytesPerSample: number) {
  const points = 4 * Math.ceil((GROUP_ROWS * width) / 4);
  const samples = width * height * channels;
  const grid = CONSTANTS_BYTES;
  const edges = grid + 8 * points;
  const out = edges + 4 * points;
  // Past the samples: the last point's 16-byte store, and the clamp loops' whole groups (16 values for bytes).
  const outBytes = out + align16(4 * channels * points + 64);
  // The source as given (bytes or float32), then as the float32 samples the kernels read. Past each, what the
  // loaders read and write past their last whole group, and a last pixel's 16-byte tap loads.
  const given = outBytes + align16(channels * points + 16);
  const source = given + align16(bytesPerSample * samples + 64);
  return { points, grid, edges, out, outBytes, given, source, end: source + 4 * samples + 64 };
}

/** An image to sample: its samples (float32 or bytes) are read as `f32(sample + offset)`. */
export interface SampleSource {
  readonly data: Float32Array | Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly offset: number;
}

/**
 * Output rows [rowStart, rowEnd) of the `grid_sample` of `source`, clamped to 0..255 and stored into
 * `dst` (the whole output image, `channels` per point): `fillGrid(start, end, grid)` writes the sampling grid of
 * rows [start, end) into `grid` (2 values per point, as `SampleGrid`), a few rows at a time.
 */
export function sampleRowsClamped(
  source: SampleSource,
  options: GridSampleOptions,
  rowStart: number,
  rowEnd: number,
  fillGrid: (start: number, end: number, grid: Float32Array) => void,
  dst: Float32Array | Uint8Array,
): void {
  const { data, width, height, channels } = source;
  const at = layoutFor(width, height, channels, data.BYTES_PER_ELEMENT);
  const { padding } = options;
  const kernels = kernelsFor(options, channels, at.end);
  const { memory } = kernels;
  const rowLength = width * channels;
  const rowBytes = 4 * rowLength;
  setConstants(memory, source, padding, at.source);
  const grid = new Float32Array(memory, at.grid, 2 * at.points);
  const out = new Float32Array(memory, at.out, channels * at.points);
  const outBytes = new Uint8Array(memory, at.outBytes, channels * at.points);
  const edges = new Int32Array(memory, at.edges, at.points);
  const tapRows = new Float32Array(memory, 16 * SLOTS.firstTapRow, 8);
  const edgesEnd = new Int32Array(memory, 16 * SLOTS.listEnd, 1);
  const sourceRows = new Float32Array(memory, at.source, height * rowLength);
  const given = new (data.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => typeof data)(
    memory,
    at.given,
    height * rowLength,
  );
  const givenRowBytes = rowLength * data.BYTES_PER_ELEMENT;
  const convert = data instanceof Float32Array ? kernels.shiftFloats : kernels.widenBytes;
  // Only the bicubic kernel lists points.
  const points = options.mode === 'bicubic' ? bicubicPoints(source, padding) : null;
  // Source rows [loaded.first, loaded.end) are in memory for this call.
  const loaded = { first: 0, end: 0 };
  const load = (first: number, end: number): void => {
    if (first >= end) return;
    given.set(data.subarray(first * rowLength, end * rowLength), first * rowLength);
    // What the loader writes past `end` is rows it reads as given here, or rows not loaded yet.
    convert(at.given + first * givenRowBytes, at.given + end * givenRowBytes, at.source + first * rowBytes);
  };
  const needRows = (first: number, last: number): void => {
    const from = Math.max(0, first);
    const to = Math.min(height, last + 1);
    if (from >= to) return;
    if (loaded.first >= loaded.end) {
      load(from, to);
      loaded.first = from;
      loaded.end = to;
      return;
    }
    load(from, Math.min(to, loaded.first));
    load(Math.max(from, loaded.end), to);
    loaded.first = Math.min(loaded.first, from);
    loaded.end = Math.max(loaded.end, to);
  };
  for (let start = rowStart; start < rowEnd; start += GROUP_ROWS) {
    const end = Math.min(rowEnd, start + GROUP_ROWS);
    const count = (end - start) * width;
    const gridEnd = at.grid + 8 * Math.ceil(count / 4) * 4;
    fillGrid(start, end, grid.subarray(0, 2 * count));
    // Points past the last are NaN: sampled or listed as edge points, then skipped.
    grid.fill(Number.NaN, 2 * count, (gridEnd - at.grid) / 4);
    kernels.classify(at.grid, gridEnd);
    const first = Math.min(tapRows[0] as number, tapRows[1] as number, tapRows[2] as number, tapRows[3] as number);
    const last = Math.max(tapRows[4] as number, tapRows[5] as number, tapRows[6] as number, tapRows[7] as number);
    needRows(first, last);
    kernels.sample(at.grid, gridEnd, at.out, at.edges, rowBytes);
    const edgeCount = ((edgesEnd[0] as number) - at.edges) / 4;
    if (points !== null && edgeCount > 0) {
      sampleEdges(points, edges.subarray(0, edgeCount), count, grid, out, channels, needRows, sourceRows);
    }
    const values = count * channels;
    if (dst instanceof Float32Array) {
      kernels.clampFloats(at.out, at.out + 4 * values);
      dst.set(out.subarray(0, values), start * rowLength);
    } else {
      kernels.clampBytes(at.out, at.out + 4 * values, at.outBytes);
      dst.set(outBytes.subarray(0, values), start * rowLength);
    }
  }
}

function setConstants(memory: ArrayBuffer, image: SampleSource, padding: PaddingMode, source: number): void {
  const floats = new Float32Array(memory, 0, CONSTANTS_BYTES / 4);
  const ints = new Int32Array(memory, 0, CONSTANTS_BYTES / 4);
  const splat = (array: Float32Array | Int32Array, k: number, value: number): void =>
    void array.fill(value, 4 * k, 4 * k + 4);
  const { width, height, channels } = image;
  splat(floats, SLOTS.scaleX, width / 2);
  splat(floats, SLOTS.scaleY, height / 2);
  splat(floats, SLOTS.lastInsideCol, width - 3);
  splat(floats, SLOTS.lastInsideRow, height - 3);
  splat(ints, SLOTS.origin, source - 4 * channels * (width + 1));
  splat(floats, SLOTS.offset, image.offset);
  splat(ints, SLOTS.border, padding === 'border' ? -1 : 0);
  splat(ints, SLOTS.source, source);
  splat(ints, SLOTS.maxCol, width - 1);
  splat(ints, SLOTS.maxRow, height - 1);
  splat(floats, SLOTS.lastCol, width - 1);
  splat(floats, SLOTS.lastRow, height - 1);
  splat(floats, SLOTS.twiceWidth, 2 * width);
  splat(floats, SLOTS.twiceHeight, 2 * height);
}

/** The listed points below `count`: their source rows loaded, then sampled one by one into `out`. */
function sampleEdges(
  points: BicubicPoints,
  indices: Int32Array,
  count: number,
  grid: Float32Array,
  out: Float32Array,
  channels: number,
  needRows: (first: number, last: number) => void,
  sourceRows: Float32Array,
): void {
  const rows = { first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY };
  for (const p of indices) if (p < count) points.widenTapRows(grid[2 * p + 1] as number, rows);
  needRows(rows.first, rows.last);
  for (const p of indices) {
    if (p < count) points.sample(sourceRows, out, p * channels, grid[2 * p] as number, grid[2 * p + 1] as number);
  }
}

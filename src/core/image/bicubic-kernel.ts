/**
 * The sampling kernels of the SIMD bicubic rows (grid-sample-simd.ts), WebAssembly functions written with
 * wasm-simd.ts: four grid points per step, their coordinates, cubic weights and tap addresses computed as vectors,
 * then each point blended on its own.
 * - A point whose 4×4 taps all lie inside the image (every padding rule is then the identity) reads each tap
 *   pixel with one v128 load (its channels, and whatever follows in lanes nothing uses) at fixed offsets from its
 *   top-left tap; under border padding a point with finite coordinates outside that reads its taps at indices
 *   clamped to the image. Either way each tap is multiplied by its weight splatted over the lanes.
 * - The float32 operations and their order are those of grid-sample.ts `bicubicPoints` (lines
 *   ((w0·a0 + w1·a1) + w2·a2) + w3·a3, then the rows the same way); WebAssembly's float32 arithmetic rounds each
 *   one as `Math.fround` does and floor is exact, so every sample is the same bit for bit.
 * - The other points (NaN or infinite coordinates; near or past the edges under zeros and reflection padding,
 *   where a tap reads 0 or a mirrored pixel) are listed for `bicubicPoints`.
 */
import { wasm as w, type Code, type SimdFunction } from '../diffusion/wasm-simd.js';
import { CUBIC_A } from './grid-sample.js';
import {
  constant,
  coordinateLocals,
  localsAfter,
  classifyFunction,
  orElse,
  overPoints,
  sourceCoordinates,
  splatLane,
  SLOTS,
  within,
  type CoordinateLocals,
  type Locals,
  type PointRows,
} from './sample-kernel-parts.js';

const get = w.localGet;
const { lastInsideCol, lastInsideRow, origin, border, source, maxCol, maxRow } = SLOTS;

/** Floors beyond this are left to `bicubicPoints`: their tap indices, ±2, stay far inside int32. */
const FLOOR_LIMIT = 2 ** 24;

interface PointLocals extends CoordinateLocals {
  floorX: number;
  floorY: number;
  inside: number;
  clamped: number;
}

function pointLocals(locals: Locals): PointLocals {
  return {
    ...coordinateLocals(locals),
    floorX: locals.v128(),
    floorY: locals.v128(),
    inside: locals.v128(),
    clamped: locals.v128(),
  };
}

/**
 * The four grid points at `grid`: their source coordinates (`unnormalize`), floors, the mask of those whose 4×4
 * taps are all inside (floor in [1, size − 3] on both axes), and under border padding the mask of those whose
 * taps are clamped to the image (finite floors; NaN is in neither).
 */
function pointsAt(grid: number, l: PointLocals): Code {
  const one = w.f32x4(1);
  const finite = (v: number): Code => within(get(v), w.f32x4(-FLOOR_LIMIT), w.f32x4(FLOOR_LIMIT));
  return [
    ...sourceCoordinates(grid, l),
    ...w.localSet(l.floorX, w.f32x4Floor(get(l.x))),
    ...w.localSet(l.floorY, w.f32x4Floor(get(l.y))),
    ...w.localSet(
      l.inside,
      w.and(within(get(l.floorX), one, constant(lastInsideCol)), within(get(l.floorY), one, constant(lastInsideRow))),
    ),
    ...w.localSet(l.clamped, w.and(constant(border), w.and(finite(l.floorX), finite(l.floorY)))),
  ];
}

/** The rows of the points the kernel samples: their taps' rows floor(y) − 1 … floor(y) + 2 (clamped later). */
function tapRows(grid: number, locals: Locals): PointRows {
  const l = pointLocals(locals);
  const sampled = w.or(get(l.inside), get(l.clamped));
  return {
    code: pointsAt(grid, l),
    first: orElse(w.f32x4Sub(get(l.floorY), w.f32x4(1)), sampled, Infinity),
    last: orElse(w.f32x4Add(get(l.floorY), w.f32x4(2)), sampled, -Infinity),
  };
}

const A = CUBIC_A;
const f = Math.fround;

/** Cubic-convolution weight of taps 1 < z < 2 away (grid-sample.ts `outerWeight`); `z` is read three times. */
const outerWeight = (z: Code): Code =>
  w.f32x4Sub(
    w.f32x4Mul(
      w.f32x4Add(w.f32x4Mul(w.f32x4Sub(w.f32x4Mul(w.f32x4(A), z), w.f32x4(f(5 * A))), z), w.f32x4(f(8 * A))),
      z,
    ),
    w.f32x4(f(4 * A)),
  );

/** Weight of taps z ≤ 1 away (`innerWeight`). */
const innerWeight = (z: Code): Code =>
  w.f32x4Add(w.f32x4Mul(w.f32x4Mul(w.f32x4Sub(w.f32x4Mul(w.f32x4(A + 2), z), w.f32x4(A + 3)), z), z), w.f32x4(1));

/**
 * sample(grid, end, out, edges, rowBytes): the samples of the points the kernel takes at `out` (channels
 * float32 each, in point order; a 16-byte store per point, so up to 3 floats past a point are written before the
 * next point's own), the indices of the others from `edges` on (their end into the listEnd slot).
 */
function sampleFunction(channels: number): Omit<SimdFunction, 'name'> {
  const [GRID, END, OUT, EDGES, ROW_BYTES] = [0, 1, 2, 3, 4];
  const V128_LOCALS = 36;
  const locals = localsAfter(5, V128_LOCALS);
  const l = pointLocals(locals);
  const [tapAddress, fraction, z, whole] = [locals.v128(), locals.v128(), locals.v128(), locals.v128()];
  const four = (): number[] => [locals.v128(), locals.v128(), locals.v128(), locals.v128()];
  const [colWeights, rowWeights, laneWeights, lines, colOffsets, rowAddresses] = [
    four(),
    four(),
    four(),
    four(),
    four(),
    four(),
  ];
  const [address, row, index, rowBytes2, rowBytes3] = [
    locals.i32(),
    locals.i32(),
    locals.i32(),
    locals.i32(),
    locals.i32(),
  ];
  const laneColOffsets = [locals.i32(), locals.i32(), locals.i32(), locals.i32()];
  const pixelBytes = 4 * channels;
  const at = (values: number[], i: number): number => values[i] as number;

  /** The four weights of an axis for the fractions in `fraction`: taps t + 1, t, 1 − t and 2 − t away. */
  const weightsOf = (into: number[]): Code => [
    ...w.localSet(z, w.f32x4Add(get(fraction), w.f32x4(1))),
    ...w.localSet(at(into, 0), outerWeight(get(z))),
    ...w.localSet(at(into, 1), innerWeight(get(fraction))),
    ...w.localSet(z, w.f32x4Sub(w.f32x4(1), get(fraction))),
    ...w.localSet(at(into, 2), innerWeight(get(z))),
    ...w.localSet(z, w.f32x4Sub(w.f32x4(2), get(fraction))),
    ...w.localSet(at(into, 3), outerWeight(get(z))),
  ];
  /** Tap indices floor − 1 … floor + 2 of `floor`, clamped to [0, greatest], times `scale`, plus `base`. */
  const clampedTaps = (floor: number, greatest: number, scale: Code, base: Code, into: number[]): Code => [
    ...w.localSet(whole, w.i32x4TruncSatF32x4S(get(floor))),
    ...into.flatMap((v, k) =>
      w.localSet(
        v,
        w.i32x4Add(
          base,
          w.i32x4Mul(
            w.i32x4MinS(w.i32x4MaxS(w.i32x4Add(get(whole), w.i32x4(k - 1)), w.i32x4(0)), constant(greatest)),
            scale,
          ),
        ),
      ),
    ),
  ];
  /** One point's blend: `rowAt(k)` the address of tap row k, `tapAt(j)` tap j of the row at local `row`. */
  const blend = (lane: number, rowAt: (k: number) => Code, tapAt: (j: number) => Code): Code => [
    ...colWeights.flatMap((weights, j) => w.localSet(at(laneWeights, j), splatLane(get(weights), lane))),
    ...lines.flatMap((line, k) => {
      const term = (j: number): Code => w.f32x4Mul(get(at(laneWeights, j)), tapAt(j));
      return [
        ...w.localSet(row, rowAt(k)),
        ...w.localSet(line, w.f32x4Add(w.f32x4Add(w.f32x4Add(term(0), term(1)), term(2)), term(3))),
      ];
    }),
    ...w.store(
      get(OUT),
      lane * pixelBytes,
      lines
        .map((line, k) => w.f32x4Mul(splatLane(get(at(rowWeights, k)), lane), get(line)))
        .reduce((sum, term) => w.f32x4Add(sum, term)),
    ),
  ];
  const inside = (lane: number): Code => [
    ...w.localSet(address, w.i32x4ExtractLane(get(tapAddress), lane)),
    ...blend(
      lane,
      (k) =>
        k === 0 ? get(address) : w.i32Add(get(address), get(at([ROW_BYTES, ROW_BYTES, rowBytes2, rowBytes3], k))),
      (j) => w.load(get(row), j * pixelBytes),
    ),
  ];
  const clamped = (lane: number): Code => [
    ...laneColOffsets.flatMap((offset, j) => w.localSet(offset, w.i32x4ExtractLane(get(at(colOffsets, j)), lane))),
    ...blend(
      lane,
      (k) => w.i32x4ExtractLane(get(at(rowAddresses, k)), lane),
      (j) => w.load(w.i32Add(get(row), get(at(laneColOffsets, j))), 0),
    ),
  ];
  const listed = (lane: number): Code => [
    ...w.i32Store(get(EDGES), 0, w.i32Add(get(index), w.i32Const(lane))),
    ...w.localSet(EDGES, w.i32Add(get(EDGES), w.i32Const(4))),
  ];
  const point = (lane: number): Code =>
    w.ifElse(
      w.i32x4ExtractLane(get(l.inside), lane),
      inside(lane),
      w.ifElse(w.i32x4ExtractLane(get(l.clamped), lane), clamped(lane), listed(lane)),
    );
  const toInt = w.i32x4TruncSatF32x4S;
  return {
    params: 5,
    v128Locals: V128_LOCALS,
    i32Locals: locals.count,
    body: [
      ...w.localSet(rowBytes2, w.i32Add(get(ROW_BYTES), get(ROW_BYTES))),
      ...w.localSet(rowBytes3, w.i32Add(get(rowBytes2), get(ROW_BYTES))),
      ...overPoints(GRID, END, [
        ...pointsAt(GRID, l),
        // The top-left tap of each inside point: `origin` is the source's address less one row and one pixel.
        ...w.localSet(
          tapAddress,
          w.i32x4Add(
            w.i32x4Add(constant(origin), w.i32x4Mul(toInt(get(l.floorY)), w.i32x4Splat(get(ROW_BYTES)))),
            w.i32x4Mul(toInt(get(l.floorX)), w.i32x4(pixelBytes)),
          ),
        ),
        ...w.ifThen(w.anyTrue(w.andNot(get(l.clamped), get(l.inside))), [
          ...clampedTaps(l.floorX, maxCol, w.i32x4(pixelBytes), w.i32x4(0), colOffsets),
          ...clampedTaps(l.floorY, maxRow, w.i32x4Splat(get(ROW_BYTES)), constant(source), rowAddresses),
        ]),
        ...w.localSet(fraction, w.f32x4Sub(get(l.x), get(l.floorX))),
        ...weightsOf(colWeights),
        ...w.localSet(fraction, w.f32x4Sub(get(l.y), get(l.floorY))),
        ...weightsOf(rowWeights),
        // Mostly all four are inside: then without a branch per point.
        ...w.ifElse(w.i32x4AllTrue(get(l.inside)), [0, 1, 2, 3].flatMap(inside), [0, 1, 2, 3].flatMap(point)),
        ...w.localSet(OUT, w.i32Add(get(OUT), w.i32Const(4 * pixelBytes))),
        ...w.localSet(index, w.i32Add(get(index), w.i32Const(4))),
      ]),
      ...w.i32Store(w.i32Const(0), 16 * SLOTS.listEnd, get(EDGES)),
    ],
  };
}

/**
 * classify(grid, end) and sample(grid, end, out, list, rowBytes) for images of `channels` channels, over grid
 * points from `grid` to `end` (whole groups of four).
 */
export function bicubicKernelFunctions(channels: number): SimdFunction[] {
  return [classifyFunction(tapRows), { name: 'sample', ...sampleFunction(channels) }];
}

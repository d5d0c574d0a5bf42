/**
 * The sampling kernels of the SIMD bilinear and nearest rows (grid-sample-simd.ts), WebAssembly functions written
 * with wasm-simd.ts, as bicubic-kernel.ts for bicubic: four grid points per step, their padded coordinates,
 * weights and tap addresses computed as vectors, then each point's pixels loaded with one v128 load each (its
 * channels, and whatever follows in lanes nothing uses).
 * - The float32 operations and their order are those of grid-sample.ts (`pad`, `sampleBilinear`,
 *   `sampleNearest`); WebAssembly's float32 arithmetic rounds each one as `Math.fround` does, and floor, trunc,
 *   nearest (ties to even) and min are exact, so every sample is the same bit for bit.
 * - Every point is sampled here, none listed: a tap outside the image reads a pixel clamped into it and its term
 *   is masked to 0, as the reference skips it (`weight === 0 ? 0 : …`, which also keeps an infinite sample times
 *   a zero weight out of the sum). So a masked tap may read a row not loaded: whatever it holds is masked out.
 */
import { wasm as w, type Code, type SimdFunction } from '../diffusion/wasm-simd.js';
import type { PaddingMode } from './grid-sample.js';
import {
  classifyFunction,
  constant,
  coordinateLocals,
  localsAfter,
  orElse,
  overPoints,
  sourceCoordinates,
  splatLane,
  SLOTS,
  within,
  type Locals,
} from './sample-kernel-parts.js';

const get = w.localGet;
const { lastCol, lastRow, maxCol, maxRow, twiceWidth, twiceHeight } = SLOTS;

export type LinearMode = 'bilinear' | 'nearest';

/** `clip_coordinates`: `v > 0 ? (v < last ? v : last) : 0`, NaN → 0. */
const clip = (v: Code, last: Code): Code => w.and(w.bitselect(v, last, w.f32x4Lt(v, last)), w.f32x4Gt(v, w.f32x4(0)));

/** The padding rule applied to the coordinates in `l.x` and `l.y` (grid-sample.ts `pad`), in place. */
function padded(l: { x: number; y: number }, padding: PaddingMode, locals: Locals): Code {
  if (padding === 'zeros') return [];
  const [absIn, extra] = [locals.v128(), locals.v128()];
  /** `reflect_coordinates`: mirror about −0.5 and size − 0.5. */
  const reflect = (v: number, twiceSpan: Code): Code => [
    ...w.localSet(absIn, w.f32x4Abs(w.f32x4Add(get(v), w.f32x4(0.5)))),
    ...w.localSet(
      extra,
      w.f32x4Sub(get(absIn), w.f32x4Mul(w.f32x4Trunc(w.f32x4Div(get(absIn), twiceSpan)), twiceSpan)),
    ),
    ...w.localSet(v, w.f32x4Sub(w.f32x4Min(get(extra), w.f32x4Sub(twiceSpan, get(extra))), w.f32x4(0.5))),
  ];
  return [
    ...(padding === 'reflection'
      ? [...reflect(l.x, constant(twiceWidth)), ...reflect(l.y, constant(twiceHeight))]
      : []),
    ...w.localSet(l.x, clip(get(l.x), constant(lastCol))),
    ...w.localSet(l.y, clip(get(l.y), constant(lastRow))),
  ];
}

/** Integer index of the float `v` plus `step`, clamped to [0, greatest] (any int32 for NaN or huge values). */
const clampedIndex = (v: number, step: number, greatest: number): Code =>
  w.i32x4MinS(w.i32x4MaxS(w.i32x4Add(w.i32x4TruncSatF32x4S(get(v)), w.i32x4(step)), w.i32x4(0)), constant(greatest));

/**
 * A mode's code for four points: `points` their padded coordinates on, enough for `first` and `last`, the first
 * and last source row each reads (±∞ if none); `setup` what `sample(lane)` then needs to store one point at OUT.
 */
interface ModeKernel {
  points: (grid: number) => Code;
  first: Code;
  last: Code;
  setup: Code;
  sample: (lane: number, out: number) => Code;
}

/**
 * Bilinear (`sampleBilinear`): taps floor and floor + 1 per axis, a tap's weight 0 where it is outside, terms
 * ((nw + ne) + sw) + se.
 */
function bilinearKernel(padding: PaddingMode, channels: number, rowBytes: number, locals: Locals): ModeKernel {
  const l = coordinateLocals(locals);
  const v = (): number => locals.v128();
  const [floorX, floorY, westIn, eastIn, northIn, southIn] = [v(), v(), v(), v(), v(), v()];
  const weights = [v(), v(), v(), v()];
  const nonZero = [v(), v(), v(), v()];
  const addresses = [v(), v(), v(), v()];
  const [fractionX, fractionY, cols, northRow, southRow] = [v(), v(), v(), v(), v()];
  const pixelBytes = 4 * channels;
  const one = w.f32x4(1);
  const at = (values: number[], i: number): number => values[i] as number;
  const fromTo = (least: Code, greatest: Code) => (v: number) => within(get(v), least, greatest);
  const inCols = fromTo(w.f32x4(0), constant(lastCol));
  const nextInCols = fromTo(w.f32x4(-1), w.f32x4Sub(constant(lastCol), one));
  const inRows = fromTo(w.f32x4(0), constant(lastRow));
  const nextInRows = fromTo(w.f32x4(-1), w.f32x4Sub(constant(lastRow), one));
  const rowAddress = (step: number): Code =>
    w.i32x4Add(constant(SLOTS.source), w.i32x4Mul(clampedIndex(floorY, step, maxRow), w.i32x4Splat(get(rowBytes))));
  const points = (grid: number): Code => [
    ...sourceCoordinates(grid, l),
    ...padded(l, padding, locals),
    ...w.localSet(floorX, w.f32x4Floor(get(l.x))),
    ...w.localSet(floorY, w.f32x4Floor(get(l.y))),
    ...w.localSet(northIn, inRows(floorY)),
    ...w.localSet(southIn, nextInRows(floorY)),
  ];
  const setup: Code = [
    ...w.localSet(westIn, inCols(floorX)),
    ...w.localSet(eastIn, nextInCols(floorX)),
    // `w`, `e`, `n`, `s` of the reference: the fractions towards the east and south taps, and their complements.
    ...w.localSet(fractionX, w.f32x4Sub(get(l.x), get(floorX))),
    ...w.localSet(fractionY, w.f32x4Sub(get(l.y), get(floorY))),
    ...(
      [
        [true, true, westIn, northIn],
        [true, false, eastIn, northIn],
        [false, true, westIn, southIn],
        [false, false, eastIn, southIn],
      ] as const
    ).flatMap(([complementY, complementX, colIn, rowIn], k) => {
      const fraction = (local: number, complement: boolean): Code =>
        complement ? w.f32x4Sub(one, get(local)) : get(local);
      return w.localSet(
        at(weights, k),
        w.and(
          w.f32x4Mul(fraction(fractionY, complementY), fraction(fractionX, complementX)),
          w.and(get(colIn), get(rowIn)),
        ),
      );
    }),
    ...weights.flatMap((weight, k) => w.localSet(at(nonZero, k), w.f32x4Ne(get(weight), w.f32x4(0)))),
    ...w.localSet(northRow, rowAddress(0)),
    ...w.localSet(southRow, rowAddress(1)),
    ...w.localSet(cols, w.i32x4Mul(clampedIndex(floorX, 0, maxCol), w.i32x4(pixelBytes))),
    ...w.localSet(at(addresses, 0), w.i32x4Add(get(northRow), get(cols))),
    ...w.localSet(at(addresses, 2), w.i32x4Add(get(southRow), get(cols))),
    ...w.localSet(cols, w.i32x4Mul(clampedIndex(floorX, 1, maxCol), w.i32x4(pixelBytes))),
    ...w.localSet(at(addresses, 1), w.i32x4Add(get(northRow), get(cols))),
    ...w.localSet(at(addresses, 3), w.i32x4Add(get(southRow), get(cols))),
  ];
  const term = (k: number, lane: number): Code =>
    w.and(
      w.f32x4Mul(w.load(w.i32x4ExtractLane(get(at(addresses, k)), lane), 0), splatLane(get(at(weights, k)), lane)),
      splatLane(get(at(nonZero, k)), lane),
    );
  return {
    points,
    first: w.f32x4Min(
      orElse(get(floorY), get(northIn), Infinity),
      orElse(w.f32x4Add(get(floorY), one), get(southIn), Infinity),
    ),
    last: w.f32x4Max(
      orElse(get(floorY), get(northIn), -Infinity),
      orElse(w.f32x4Add(get(floorY), one), get(southIn), -Infinity),
    ),
    setup,
    sample: (lane, out) =>
      w.store(
        get(out),
        lane * pixelBytes,
        w.f32x4Add(w.f32x4Add(w.f32x4Add(term(0, lane), term(1, lane)), term(2, lane)), term(3, lane)),
      ),
  };
}

/** Nearest (`sampleNearest`): the pixel at the coordinates rounded half to even, 0 where that is outside. */
function nearestKernel(padding: PaddingMode, channels: number, rowBytes: number, locals: Locals): ModeKernel {
  const l = coordinateLocals(locals);
  const [col, row, inside, address] = [locals.v128(), locals.v128(), locals.v128(), locals.v128()];
  const pixelBytes = 4 * channels;
  const points = (grid: number): Code => [
    ...sourceCoordinates(grid, l),
    ...padded(l, padding, locals),
    ...w.localSet(col, w.f32x4Nearest(get(l.x))),
    ...w.localSet(row, w.f32x4Nearest(get(l.y))),
    ...w.localSet(
      inside,
      w.and(within(get(col), w.f32x4(0), constant(lastCol)), within(get(row), w.f32x4(0), constant(lastRow))),
    ),
  ];
  return {
    points,
    first: orElse(get(row), get(inside), Infinity),
    last: orElse(get(row), get(inside), -Infinity),
    setup: w.localSet(
      address,
      w.i32x4Add(
        w.i32x4Add(constant(SLOTS.source), w.i32x4Mul(clampedIndex(row, 0, maxRow), w.i32x4Splat(get(rowBytes)))),
        w.i32x4Mul(clampedIndex(col, 0, maxCol), w.i32x4(pixelBytes)),
      ),
    ),
    sample: (lane, out) =>
      w.store(
        get(out),
        lane * pixelBytes,
        w.and(w.load(w.i32x4ExtractLane(get(address), lane), 0), splatLane(get(inside), lane)),
      ),
  };
}

const KERNELS = { bilinear: bilinearKernel, nearest: nearestKernel };

/** Local count of sample: ample for either mode. */
const V128_LOCALS = 40;

/**
 * sample(grid, end, out, edges, rowBytes): the samples of every point at `out` (channels float32 each, in point
 * order; a 16-byte store per point, so up to 3 floats past a point are written before the next point's own); no
 * point is listed, so the listEnd slot gets `edges`.
 */
function sampleFunction(mode: LinearMode, padding: PaddingMode, channels: number): SimdFunction {
  const [GRID, END, OUT, EDGES, ROW_BYTES] = [0, 1, 2, 3, 4];
  const locals = localsAfter(5, V128_LOCALS);
  const kernel = KERNELS[mode](padding, channels, ROW_BYTES, locals);
  if (locals.v128Count > V128_LOCALS) throw new Error('sample: too many locals');
  return {
    name: 'sample',
    params: 5,
    v128Locals: V128_LOCALS,
    body: [
      ...overPoints(GRID, END, [
        ...kernel.points(GRID),
        ...kernel.setup,
        ...[0, 1, 2, 3].flatMap((lane) => kernel.sample(lane, OUT)),
        ...w.localSet(OUT, w.i32Add(get(OUT), w.i32Const(16 * channels))),
      ]),
      ...w.i32Store(w.i32Const(0), 16 * SLOTS.listEnd, get(EDGES)),
    ],
  };
}

/**
 * classify(grid, end) and sample(grid, end, out, edges, rowBytes) of `mode` under `padding` for images of
 * `channels` channels, over grid points from `grid` to `end` (whole groups of four).
 */
export function linearKernelFunctions(mode: LinearMode, padding: PaddingMode, channels: number): SimdFunction[] {
  return [
    // classify reads no pixel: the row size is not needed.
    classifyFunction((grid, locals) => {
      const kernel = KERNELS[mode](padding, channels, -1, locals);
      return { code: kernel.points(grid), first: kernel.first, last: kernel.last };
    }),
    sampleFunction(mode, padding, channels),
  ];
}

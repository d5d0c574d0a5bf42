/**
 * What the SIMD sampling kernels (bicubic-kernel.ts, linear-kernels.ts) share: their constants' slots, local
 * numbering, the walk over grid points four at a time, and the points' source coordinates.
 */
import { wasm as w, type Code, type SimdFunction } from '../diffusion/wasm-simd.js';

const get = w.localGet;

/**
 * The kernels' constants at address 0, 16 bytes each (four float32 or int32 lanes, the caller writes them), and
 * the slots where they leave results: the source coordinate scales; the greatest floor of a bicubic inside point
 * per axis (size − 3); the address of the source less one row and one pixel; the offset added to the given
 * samples; all ones under border padding; the source's address; the greatest column and row (int32, then
 * float32); twice the width and height (float32, for reflection); classify's first and last source row read
 * (float32 lanes); the end of sample's list (int32).
 */
export const SLOTS = {
  scaleX: 0,
  scaleY: 1,
  lastInsideCol: 2,
  lastInsideRow: 3,
  origin: 4,
  offset: 5,
  border: 6,
  source: 7,
  maxCol: 8,
  maxRow: 9,
  lastCol: 10,
  lastRow: 11,
  twiceWidth: 12,
  twiceHeight: 13,
  firstTapRow: 14,
  lastTapRow: 15,
  listEnd: 16,
} as const;
export const CONSTANTS_BYTES = 16 * 17;
/** The constant in `slot`. */
export const constant = (slot: number): Code => w.load(w.i32Const(0), 16 * slot);

const EVEN_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD_LANES = EVEN_LANES.map((byte) => byte + 4);

/** Lane `lane` of `v` in all four lanes. */
export const splatLane = (v: Code, lane: number): Code =>
  w.shuffle(
    v,
    v,
    [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3].map((byte) => byte + 4 * lane),
  );

/** Local indices of one function: its parameters first, then the v128 locals, then the i32 locals. */
export function localsAfter(
  params: number,
  v128: number,
): { v128: () => number; i32: () => number; count: number; v128Count: number } {
  let nextV128 = params;
  let nextI32 = params + v128;
  return {
    v128: () => nextV128++,
    i32: () => nextI32++,
    get count() {
      return nextI32 - params - v128;
    },
    get v128Count() {
      return nextV128 - params;
    },
  };
}

export type Locals = ReturnType<typeof localsAfter>;

/** Walks `grid` to `end` four points (32 bytes) at a time. */
export const overPoints = (grid: number, end: number, body: Code): Code =>
  w.doWhile([...body, ...w.localSet(grid, w.i32Add(get(grid), w.i32Const(32)))], w.i32LtU(get(grid), get(end)));

/** The v128 locals of four grid points' (x, y) pairs and source coordinates. */
export interface CoordinateLocals {
  pairs: number;
  morePairs: number;
  x: number;
  y: number;
}

export const coordinateLocals = (locals: Locals): CoordinateLocals => ({
  pairs: locals.v128(),
  morePairs: locals.v128(),
  x: locals.v128(),
  y: locals.v128(),
});

/** The four grid points at `grid` as source coordinates (grid-sample.ts `unnormalize`) into `l.x` and `l.y`. */
export function sourceCoordinates(grid: number, l: CoordinateLocals): Code {
  const unnormalize = (lanes: number[], scale: number): Code =>
    w.f32x4Sub(
      w.f32x4Mul(w.f32x4Add(w.shuffle(get(l.pairs), get(l.morePairs), lanes), w.f32x4(1)), constant(scale)),
      w.f32x4(0.5),
    );
  return [
    ...w.localSet(l.pairs, w.load(get(grid), 0)),
    ...w.localSet(l.morePairs, w.load(get(grid), 16)),
    ...w.localSet(l.x, unnormalize(EVEN_LANES, SLOTS.scaleX)),
    ...w.localSet(l.y, unnormalize(ODD_LANES, SLOTS.scaleY)),
  ];
}

/** `least <= v <= greatest` per lane (false for NaN). */
export const within = (v: Code, least: Code, greatest: Code): Code =>
  w.and(w.f32x4Ge(v, least), w.f32x4Le(v, greatest));

/** Where `mask` is set, `v`; elsewhere the float32 `otherwise`. */
export const orElse = (v: Code, mask: Code, otherwise: number): Code => w.bitselect(v, w.f32x4(otherwise), mask);

/** Four points' source rows: the code that computes them, then the first and last row each reads (±∞ if none). */
export interface PointRows {
  code: Code;
  first: Code;
  last: Code;
}

/** Local count of classify: ample for any mode's point code (unused locals cost nothing). */
const CLASSIFY_V128_LOCALS = 32;

/**
 * classify(grid, end): the first and last source rows the kernel's points read, from `rowsOf` the four points at
 * GRID, into the firstTapRow/lastTapRow slots (float32, 4 lanes each).
 */
export function classifyFunction(rowsOf: (grid: number, locals: Locals) => PointRows): SimdFunction {
  const [GRID, END] = [0, 1];
  const locals = localsAfter(2, CLASSIFY_V128_LOCALS);
  const [first, last] = [locals.v128(), locals.v128()];
  const rows = rowsOf(GRID, locals);
  if (locals.v128Count > CLASSIFY_V128_LOCALS) throw new Error('classify: too many locals');
  return {
    name: 'classify',
    params: 2,
    v128Locals: CLASSIFY_V128_LOCALS,
    body: [
      ...w.localSet(first, w.f32x4(Infinity)),
      ...w.localSet(last, w.f32x4(-Infinity)),
      ...overPoints(GRID, END, [
        ...rows.code,
        ...w.localSet(first, w.f32x4Min(get(first), rows.first)),
        ...w.localSet(last, w.f32x4Max(get(last), rows.last)),
      ]),
      ...w.store(w.i32Const(0), 16 * SLOTS.firstTapRow, get(first)),
      ...w.store(w.i32Const(0), 16 * SLOTS.lastTapRow, get(last)),
    ],
  };
}

/**
 * The per-pixel arithmetic of the 3D warp's grid (warp-3d-grid.ts `warp3dGridRows`) as a WebAssembly SIMD kernel
 * (wasm-simd.ts), two float64 lanes at a time: the same float64 operations in the same order (the row's y terms
 * and the columns' x and base values computed by the caller, as the scalar loop did), so the same grid bit for
 * bit. At 512² the grid went from ~1.9 to ~1.2 ms (one thread); the kernel is bound by its instruction count (the
 * same time with its four divisions per point made multiplications).
 * One row at a time: the caller copies the row's depth in and the grid values out (the kernel's memory is its
 * own, per thread).
 */
import { instantiateSimd, wasm as w, type Code } from '../diffusion/wasm-simd.js';

const get = w.localGet;
const PAGE = 65536;

/**
 * The six linear forms of a pixel's (x, y, z, 1), in this order: the old and new cameras' w, the new and old x,
 * the new and old y; each `((x·a + y·b) + z·c) + d`.
 */
const FORMS = 6;
const [OLD_W, NEW_W, NEW_X, OLD_X, NEW_Y, OLD_Y] = [0, 1, 2, 3, 4, 5];
/** Constants (float64 pairs, 16 bytes each): per form a, c, d and the row's y·b, then the row's base y, the floor. */
const xCoefficient = (form: number): number => form;
const zCoefficient = (form: number): number => FORMS + form;
const constantTerm = (form: number): number => 2 * FORMS + form;
const yTerm = (form: number): number => 3 * FORMS + form;
const BASE_Y = 4 * FORMS;
const MIN_Z = BASE_Y + 1;
const CONSTANTS_BYTES = 16 * (MIN_Z + 1);
const constant = (k: number): Code => w.load(w.i32Const(0), 16 * k);

/** Byte offsets for rows of `capacity` points (a multiple of 4). */
function layoutFor(capacity: number) {
  const xs = CONSTANTS_BYTES;
  const baseXs = xs + 8 * capacity;
  const depth = baseXs + 8 * capacity;
  const out = depth + 4 * capacity;
  return { xs, baseXs, depth, out, end: out + 8 * capacity };
}

/** row(at, end): points [at/4, end/4) of the row (four per step): depth floats in, (x, y) float32 pairs out. */
function rowFunction(at: ReturnType<typeof layoutFor>): { params: number; v128Locals: number; body: Code } {
  const [P, END, DEPTHS, X, Z, GX, GY, LOW_X, LOW_Y, OLD_WS, NEW_WS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const twice = w.i32Add(get(P), get(P));
  const form = (k: number): Code =>
    w.f64x2Add(
      w.f64x2Add(
        w.f64x2Add(w.f64x2Mul(get(X), constant(xCoefficient(k))), constant(yTerm(k))),
        w.f64x2Mul(get(Z), constant(zCoefficient(k))),
      ),
      constant(constantTerm(k)),
    );
  /** new/newW − old/oldW. */
  const shift = (newForm: number, oldForm: number): Code =>
    w.f64x2Sub(w.f64x2Div(form(newForm), get(NEW_WS)), w.f64x2Div(form(oldForm), get(OLD_WS)));
  /** Points 2h, 2h + 1 of the step into GX, GY (float64). */
  const half = (h: number): Code => {
    const raw = w.f64x2PromoteLowF32x4(h === 0 ? get(DEPTHS) : w.highHalf(get(DEPTHS)));
    return [
      ...w.localSet(X, w.load(twice, at.xs + 16 * h)),
      ...w.localSet(Z, raw),
      // Depth below the floor, and NaN, is the floor.
      ...w.localSet(Z, w.bitselect(get(Z), constant(MIN_Z), w.f64x2Gt(get(Z), constant(MIN_Z)))),
      ...w.localSet(OLD_WS, form(OLD_W)),
      ...w.localSet(NEW_WS, form(NEW_W)),
      ...w.localSet(GX, w.f64x2Sub(w.load(twice, at.baseXs + 16 * h), shift(NEW_X, OLD_X))),
      ...w.localSet(GY, w.f64x2Sub(constant(BASE_Y), shift(NEW_Y, OLD_Y))),
    ];
  };
  const interleave = (xs: Code, ys: Code): Code =>
    w.shuffle(
      w.f32x4DemoteF64x2Zero(xs),
      w.f32x4DemoteF64x2Zero(ys),
      [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23],
    );
  return {
    params: 2,
    v128Locals: 9,
    body: w.doWhile(
      [
        ...w.localSet(DEPTHS, w.load(get(P), at.depth)),
        ...half(0),
        ...w.localSet(LOW_X, get(GX)),
        ...w.localSet(LOW_Y, get(GY)),
        ...half(1),
        ...w.store(twice, at.out, interleave(get(LOW_X), get(LOW_Y))),
        ...w.store(twice, at.out + 16, interleave(get(GX), get(GY))),
        ...w.localSet(P, w.i32Add(get(P), w.i32Const(16))),
      ],
      w.i32LtU(get(P), get(END)),
    ),
  };
}

/** What the kernel needs of a warp and an image width; the caller keeps one per warp. */
export interface GridSetup {
  /** The six forms' terms [a, b, c, d], in the order of `FORMS`. */
  readonly forms: readonly (readonly [number, number, number, number])[];
  readonly width: number;
  /** Per column: its x, and its identity-grid x. */
  readonly xs: Float64Array;
  readonly baseXs: Float64Array;
  /** Depths below this (and NaN) are raised to it. */
  readonly minDepth: number;
}

/** This thread's kernel, with views of its memory and the setup whose constants that holds. */
interface Kernel {
  readonly capacity: number;
  readonly run: (start: number, end: number) => void;
  readonly constants: Float64Array;
  readonly depthRow: Float32Array;
  readonly outRow: Float32Array;
  setup?: GridSetup;
}
let current: Kernel | undefined;

function kernelFor(setup: GridSetup): Kernel {
  const capacity = 4 * Math.ceil(setup.width / 4);
  const at = layoutFor(capacity);
  if (current === undefined || current.capacity < capacity) {
    const { memory, functions } = instantiateSimd([{ name: 'row', ...rowFunction(at) }], Math.ceil(at.end / PAGE));
    current = {
      capacity,
      run: functions.row as Kernel['run'],
      constants: new Float64Array(memory, 0, CONSTANTS_BYTES / 8),
      depthRow: new Float32Array(memory, at.depth, capacity),
      outRow: new Float32Array(memory, at.out, 2 * capacity),
    };
  }
  if (current.setup !== setup) {
    const { constants } = current;
    const set = (k: number, value: number): void => void constants.fill(value, 2 * k, 2 * k + 2);
    setup.forms.forEach(([a, , c, d], k) => {
      set(xCoefficient(k), a);
      set(zCoefficient(k), c);
      set(constantTerm(k), d);
    });
    set(MIN_Z, setup.minDepth);
    const tables = layoutFor(current.capacity);
    new Float64Array(constants.buffer, tables.xs, setup.width).set(setup.xs);
    new Float64Array(constants.buffer, tables.baseXs, setup.width).set(setup.baseXs);
    current.setup = setup;
  }
  return current;
}

/**
 * One row of the grid into `out` from `outAt` (2 values per point): `y` the row's y, `baseY` its identity-grid y,
 * `depth` the row's depths (null: all 1).
 */
export function gridRow(
  setup: GridSetup,
  y: number,
  baseY: number,
  depth: Float32Array | null,
  out: Float32Array,
  outAt: number,
): void {
  const { run, constants, depthRow, outRow } = kernelFor(setup);
  const { width } = setup;
  setup.forms.forEach(([, b], k) => constants.fill(y * b, 2 * yTerm(k), 2 * yTerm(k) + 2));
  constants.fill(baseY, 2 * BASE_Y, 2 * BASE_Y + 2);
  if (depth === null) depthRow.fill(1, 0, width);
  else depthRow.set(depth);
  run(0, 16 * Math.ceil(width / 4));
  out.set(outRow.subarray(0, 2 * width), outAt);
}

/**
 * The two per-pixel passes of the luminance colour match (color-match-loss.ts, ignore_sat_weight 0) for one
 * palette colour, as WebAssembly SIMD kernels (wasm-simd.ts), two float64 lanes at a time:
 * - `distances`: d = √(3(g − μ)² + ρ) of every grey g, and d as float32 (its sort key's bits);
 * - `slopes`: each pixel's target t (the level of the rank step its composite key falls in, from the thresholds
 *   the select found), the loss term (d − t)², and the gradient on the grey, gradient += f·((d − t)/d)·(g − μ)
 *   (0 where d = 0).
 * Each lane computes exactly the float64 operations of the scalar loops they replaced, in the same order, so
 * distances, keys and the gradient are the same bit for bit; only the loss value is summed in two interleaved
 * partial sums. The sqrt and the division, the passes' cost, take one instruction for two lanes: at 512² with 4
 * colours the match went from ~330 to ~220 µs per guided step.
 * The planes live in the kernels' memory and the caller works on views of them (`LuminancePlanes`), so nothing is
 * copied; one module per latent size, its planes padded to whole groups of four pixels (the kernels' step), with
 * the loss value's lanes past the last pixel masked.
 */
import { instantiateSimd, wasm as w, type Code } from '../wasm-simd.js';

/** Constants, 16 bytes each: μ, ρ, 3, f, P (for the composite key), the pixel count, 0, the value's sum, [0, 1]. */
const [CENTRE, OFFSET, THREE, FACTOR, PIXELS, COUNT, ZERO, VALUE, FIRST_INDEX] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const MAX_STEPS = 64;
const THRESHOLDS_AT = 16 * 9;
const LEVELS_AT = THRESHOLDS_AT + 16 * MAX_STEPS;
const PLANES_AT = LEVELS_AT + 16 * (MAX_STEPS + 1);
const PAGE = 65536;

const get = w.localGet;
const constant = (k: number): Code => w.load(w.i32Const(0), 16 * k);
/** PTR walks float32 positions (4 bytes a pixel); float64 positions are twice that. */
const [PTR, END] = [0, 1];
const at64 = (): Code => w.i32Add(get(PTR), get(PTR));
const overPixels = (body: Code): Code =>
  w.doWhile([...body, ...w.localSet(PTR, w.i32Add(get(PTR), w.i32Const(16)))], w.i32LtU(get(PTR), get(END)));
const two = w.f64x2(2);

/** Byte offsets of the planes for `padded` pixels. */
interface Layout {
  grey: number;
  distance: number;
  gradient: number;
  key: number;
  end: number;
}

function layoutFor(padded: number): Layout {
  const grey = PLANES_AT;
  const distance = grey + 8 * padded;
  const gradient = distance + 8 * padded;
  const key = gradient + 8 * padded;
  return { grey, distance, gradient, key, end: key + 4 * padded };
}

// distances(ptr, end): v128 locals 2..6.
const [D_CENTRE, D_OFFSET, D_THREE, D_LOW, D_HIGH] = [2, 3, 4, 5, 6];

function distancesBody(at: Layout): Code {
  const distanceOf = (grey: Code): Code => {
    const dg = w.f64x2Sub(grey, get(D_CENTRE));
    return w.f64x2Sqrt(w.f64x2Add(w.f64x2Mul(w.f64x2Mul(get(D_THREE), dg), dg), get(D_OFFSET)));
  };
  return [
    ...w.localSet(D_CENTRE, constant(CENTRE)),
    ...w.localSet(D_OFFSET, constant(OFFSET)),
    ...w.localSet(D_THREE, constant(THREE)),
    ...overPixels([
      ...w.localSet(D_LOW, distanceOf(w.load(at64(), at.grey))),
      ...w.localSet(D_HIGH, distanceOf(w.load(at64(), at.grey + 16))),
      ...w.store(at64(), at.distance, get(D_LOW)),
      ...w.store(at64(), at.distance + 16, get(D_HIGH)),
      ...w.store(get(PTR), at.key, w.joinLow(w.f32x4DemoteF64x2Zero(get(D_LOW)), w.f32x4DemoteF64x2Zero(get(D_HIGH)))),
    ]),
  ];
}

// slopes(ptr, end, step, stepsEnd): i32 param 2 walks the steps (16 bytes each) up to param 3; v128 locals 4...
const [S_STEP, S_STEPS_END] = [2, 3];
const [S_CENTRE, S_FACTOR, S_PIXELS, S_COUNT, S_ZERO, S_INDEX, S_KEYS, S_C0, S_C1, S_T0, S_T1, S_SUM, S_D] = [
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];

/** t ← L[s + 1] where c ≥ threshold[s], for every step s: thresholds ascend, so t ends as c's level. */
const nextLevel = (t: number, c: number): Code =>
  w.localSet(
    t,
    w.bitselect(w.load(get(S_STEP), LEVELS_AT + 16), get(t), w.f64x2Ge(get(c), w.load(get(S_STEP), THRESHOLDS_AT))),
  );
const levelsOf: Code = [
  ...w.localSet(S_T0, w.load(w.i32Const(LEVELS_AT), 0)),
  ...w.localSet(S_T1, w.load(w.i32Const(LEVELS_AT), 0)),
  ...w.localSet(S_STEP, w.i32Const(0)),
  ...w.doWhile(
    [...nextLevel(S_T0, S_C0), ...nextLevel(S_T1, S_C1), ...w.localSet(S_STEP, w.i32Add(get(S_STEP), w.i32Const(16)))],
    w.i32LtU(get(S_STEP), get(S_STEPS_END)),
  ),
];

function slopesBody(at: Layout): Code {
  /** The pair at float64 offset `half` (0 or 16 bytes), targets in local `t`, pixel indices `index`. */
  const pairSlopes = (half: number, t: number, index: Code): Code => {
    const gap = w.f64x2Sub(get(S_D), get(t));
    const counted = w.and(gap, w.f64x2Lt(index, get(S_COUNT)));
    const slope = w.bitselect(get(S_ZERO), w.f64x2Div(gap, get(S_D)), w.f64x2Eq(get(S_D), get(S_ZERO)));
    const step = w.f64x2Mul(
      w.f64x2Mul(get(S_FACTOR), slope),
      w.f64x2Sub(w.load(at64(), at.grey + half), get(S_CENTRE)),
    );
    return [
      ...w.localSet(S_D, w.load(at64(), at.distance + half)),
      ...w.localSet(S_SUM, w.f64x2Add(get(S_SUM), w.f64x2Mul(counted, counted))),
      ...w.store(at64(), at.gradient + half, w.f64x2Add(w.load(at64(), at.gradient + half), step)),
    ];
  };
  return [
    ...w.localSet(S_CENTRE, constant(CENTRE)),
    ...w.localSet(S_FACTOR, constant(FACTOR)),
    ...w.localSet(S_PIXELS, constant(PIXELS)),
    ...w.localSet(S_COUNT, constant(COUNT)),
    ...w.localSet(S_ZERO, constant(ZERO)),
    ...w.localSet(S_INDEX, constant(FIRST_INDEX)),
    ...w.localSet(S_SUM, constant(ZERO)),
    ...overPixels([
      ...w.localSet(S_KEYS, w.load(get(PTR), at.key)),
      // Composite keys key·P + pixel, exact in float64: the sort's order, ties by pixel.
      ...w.localSet(S_C0, w.f64x2Add(w.f64x2Mul(w.f64x2ConvertLowI32x4S(get(S_KEYS)), get(S_PIXELS)), get(S_INDEX))),
      ...w.localSet(
        S_C1,
        w.f64x2Add(
          w.f64x2Mul(w.f64x2ConvertLowI32x4S(w.highHalf(get(S_KEYS))), get(S_PIXELS)),
          w.f64x2Add(get(S_INDEX), two),
        ),
      ),
      ...levelsOf,
      ...pairSlopes(0, S_T0, get(S_INDEX)),
      ...pairSlopes(16, S_T1, w.f64x2Add(get(S_INDEX), two)),
      ...w.localSet(S_INDEX, w.f64x2Add(get(S_INDEX), w.f64x2(4))),
    ]),
    ...w.store(w.i32Const(0), 16 * VALUE, get(S_SUM)),
  ];
}

/** One colour of the luminance match: μ and ρ of `luminanceMatch`. */
export interface LuminanceColour {
  centre: number;
  offset: number;
}

/** The planes of one latent size, views of the kernels' memory, and the passes over them. */
export interface LuminancePlanes {
  readonly pixels: number;
  /** The clamped greys: the caller writes them. */
  readonly grey: Float64Array;
  readonly distances: Float64Array;
  /** The distances as float32; `keys` views the same bytes. */
  readonly rounded: Float32Array;
  readonly keys: Uint32Array;
  /** The gradient on the greys, summed over the colours: the caller zeroes it. */
  readonly gradient: Float64Array;
  /** distances and rounded ← d = √(3(g − μ)² + ρ) for every grey. */
  distancesTo(colour: LuminanceColour): void;
  /**
   * gradient += f·((d − t)/d)·(g − μ) for every pixel (0 where d = 0), t = levels[s] for the composite key
   * keys[p]·P + p in [thresholds[s − 1], thresholds[s]); returns Σ (d − t)².
   */
  addSlopes(
    colour: LuminanceColour,
    thresholds: ArrayLike<number>,
    levels: readonly number[],
    steps: number,
    factor: number,
  ): number;
}

export function luminancePlanes(pixels: number): LuminancePlanes {
  const padded = 4 * Math.ceil(pixels / 4);
  const at = layoutFor(padded);
  const kernels = instantiateSimd(
    [
      { name: 'distances', params: 2, v128Locals: 5, body: distancesBody(at) },
      { name: 'slopes', params: 4, v128Locals: 13, body: slopesBody(at) },
    ],
    Math.ceil(at.end / PAGE),
  );
  const { distances: distancesKernel, slopes: slopesKernel } = kernels.functions as Record<
    'distances' | 'slopes',
    (...args: number[]) => void
  >;
  const memory = kernels.memory;
  const constants = new Float64Array(memory, 0, 2 * 9);
  const thresholdMemory = new Float64Array(memory, THRESHOLDS_AT, 2 * MAX_STEPS);
  const levelMemory = new Float64Array(memory, LEVELS_AT, 2 * (MAX_STEPS + 1));
  const setConstant = (k: number, value: number): void => void constants.fill(value, 2 * k, 2 * k + 2);
  setConstant(THREE, 3);
  setConstant(PIXELS, pixels);
  setConstant(COUNT, pixels);
  setConstant(ZERO, 0);
  constants[2 * FIRST_INDEX] = 0;
  constants[2 * FIRST_INDEX + 1] = 1;
  const rounded = new Float32Array(memory, at.key, pixels);
  return {
    pixels,
    grey: new Float64Array(memory, at.grey, pixels),
    distances: new Float64Array(memory, at.distance, pixels),
    rounded,
    keys: new Uint32Array(memory, at.key, pixels),
    gradient: new Float64Array(memory, at.gradient, pixels),
    distancesTo({ centre, offset }) {
      setConstant(CENTRE, centre);
      setConstant(OFFSET, offset);
      distancesKernel(0, 4 * pixels);
    },
    addSlopes({ centre }, thresholds, levels, steps, factor) {
      if (steps > MAX_STEPS) throw new RangeError(`colour matching handles up to ${MAX_STEPS} target levels`);
      setConstant(CENTRE, centre);
      setConstant(FACTOR, factor);
      // A step that no key reaches keeps the loop's one pass valid when the target is one level.
      const loops = Math.max(1, steps);
      for (let s = 0; s < loops; s++) {
        thresholdMemory.fill(s < steps ? (thresholds[s] as number) : Infinity, 2 * s, 2 * s + 2);
      }
      for (let s = 0; s <= loops; s++) levelMemory.fill(levels[Math.min(s, steps)] as number, 2 * s, 2 * s + 2);
      slopesKernel(0, 4 * pixels, 0, 16 * loops);
      return (constants[2 * VALUE] as number) + (constants[2 * VALUE + 1] as number);
    },
  };
}

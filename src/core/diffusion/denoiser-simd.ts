/**
 * The two per-element passes of the guided denoiser (denoiser.ts) as WebAssembly SIMD kernels: the UNet's batched
 * input [x·c_in, x·c_in], and guided x0 = u + (c − u)·scale with u, c each model output's x0 rounded to float32.
 * Each computes exactly the float64 operations of the JavaScript loop it replaced, two lanes at a time, rounding
 * to float32 where that loop stored to a Float32Array, so the values are the same bit for bit. Inputs are copied
 * into the kernels' memory and results out (a 64 KiB copy takes about 1 µs), `CHUNK` elements at a time. Measured
 * on a 4×64×64 latent: guided x0 66 → 33 µs and the batched input 30 → 17 µs per call, at every model call.
 */
import { instantiateSimd, wasm as w, type Code } from './wasm-simd.js';

/** Elements per kernel call: one SD 512² latent. */
const CHUNK = 16384;
const BYTES = 4 * CHUNK;
/** Memory regions, in bytes: the latent x, the unconditional and conditional outputs, the result, constants. */
const X_AT = 0;
const UNCOND_AT = BYTES;
const COND_AT = 2 * BYTES;
const RESULT_AT = 3 * BYTES;
const CONSTANTS_AT = 4 * BYTES;

const PTR = 0;
const END = 1;
const get = w.localGet;
/** float32 rounding of a float64x2 value, kept in float64 lanes. */
const round32 = (value: Code): Code => w.f64x2PromoteLowF32x4(w.f32x4DemoteF64x2Zero(value));
const lanes = (value: Code, high: boolean): Code => w.f64x2PromoteLowF32x4(high ? w.highHalf(value) : value);
/** The k-th float64 constant, splatted (written by the caller before the call). */
const constant = (k: number): Code => w.load(w.i32Const(CONSTANTS_AT), 16 * k);
/** Four elements at a time from PTR = 0 to END (bytes), each group written to RESULT_AT + PTR. */
const overElements = (step: Code): Code =>
  w.doWhile([...step, ...w.localSet(PTR, w.i32Add(get(PTR), w.i32Const(16)))], w.i32LtU(get(PTR), get(END)));

// scale: result = f32(x·c_in), constant 0 = c_in.
const [S_X, S_C_IN, S_LOW] = [2, 3, 4];
const scaledLanes = (high: boolean): Code => w.f32x4DemoteF64x2Zero(w.f64x2Mul(lanes(get(S_X), high), get(S_C_IN)));
const scaleBody: Code = [
  ...w.localSet(S_C_IN, constant(0)),
  ...overElements([
    ...w.localSet(S_X, w.load(get(PTR), X_AT)),
    ...w.localSet(S_LOW, scaledLanes(false)),
    ...w.store(get(PTR), RESULT_AT, w.joinLow(get(S_LOW), scaledLanes(true))),
  ]),
];

// guide: base = x·skip, u = f32(base + uncond·out), c = f32(base + cond·out), result = f32(u + (c − u)·scale);
// constants 0, 1, 2 = skip, out, scale.
const [G_X, G_UNCOND, G_COND, G_SKIP, G_OUT, G_SCALE, G_BASE, G_U, G_C, G_LOW] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const guidedLanes = (high: boolean): Code => [
  ...w.localSet(G_BASE, w.f64x2Mul(lanes(get(G_X), high), get(G_SKIP))),
  ...w.localSet(G_U, round32(w.f64x2Add(get(G_BASE), w.f64x2Mul(lanes(get(G_UNCOND), high), get(G_OUT))))),
  ...w.localSet(G_C, round32(w.f64x2Add(get(G_BASE), w.f64x2Mul(lanes(get(G_COND), high), get(G_OUT))))),
];
const guidedResult = (): Code =>
  w.f32x4DemoteF64x2Zero(w.f64x2Add(get(G_U), w.f64x2Mul(w.f64x2Sub(get(G_C), get(G_U)), get(G_SCALE))));
const guideBody: Code = [
  ...w.localSet(G_SKIP, constant(0)),
  ...w.localSet(G_OUT, constant(1)),
  ...w.localSet(G_SCALE, constant(2)),
  ...overElements([
    ...w.localSet(G_X, w.load(get(PTR), X_AT)),
    ...w.localSet(G_UNCOND, w.load(get(PTR), UNCOND_AT)),
    ...w.localSet(G_COND, w.load(get(PTR), COND_AT)),
    ...guidedLanes(false),
    ...w.localSet(G_LOW, guidedResult()),
    ...guidedLanes(true),
    ...w.store(get(PTR), RESULT_AT, w.joinLow(get(G_LOW), guidedResult())),
  ]),
];

const PAGE = 65536;
const kernels = instantiateSimd(
  [
    { name: 'scale', params: 2, v128Locals: 3, body: scaleBody },
    { name: 'guide', params: 2, v128Locals: 10, body: guideBody },
  ],
  Math.ceil((CONSTANTS_AT + 48) / PAGE),
);
const { scale: scaleKernel, guide: guideKernel } = kernels.functions as Record<
  'scale' | 'guide',
  (start: number, end: number) => void
>;
const memory = new Float32Array(kernels.memory);
const constants = new Float64Array(kernels.memory, CONSTANTS_AT, 6);
const resultAt = RESULT_AT / 4;

function setConstants(...values: number[]): void {
  values.forEach((value, k) => constants.fill(value, 2 * k, 2 * k + 2));
}

/** cat([x·c_in, x·c_in]) in float32: the batched call's input, written in one pass per chunk. */
export function scaledTwice(xs: Float32Array, cIn: number): Float32Array {
  const n = xs.length;
  const paired = new Float32Array(2 * n);
  setConstants(cIn);
  for (let start = 0; start < n; start += CHUNK) {
    const length = Math.min(CHUNK, n - start);
    memory.set(xs.subarray(start, start + length), X_AT / 4);
    scaleKernel(0, 4 * length);
    const scaled = memory.subarray(resultAt, resultAt + length);
    paired.set(scaled, start);
    paired.set(scaled, n + start);
  }
  return paired;
}

/** x0 of each prediction rounded to float32 as its own tensor would be, then guided: u + (c − u)·scale. */
export function guidedX0(
  x0: Float32Array,
  xs: Float32Array,
  skip: number,
  uncond: Float32Array,
  cond: Float32Array,
  out: number,
  scale: number,
): void {
  setConstants(skip, out, scale);
  for (let start = 0; start < x0.length; start += CHUNK) {
    const length = Math.min(CHUNK, x0.length - start);
    memory.set(xs.subarray(start, start + length), X_AT / 4);
    memory.set(uncond.subarray(start, start + length), UNCOND_AT / 4);
    memory.set(cond.subarray(start, start + length), COND_AT / 4);
    guideKernel(0, 4 * length);
    x0.set(memory.subarray(resultAt, resultAt + length), start);
  }
}

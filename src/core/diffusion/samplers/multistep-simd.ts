/**
 * klms's update x ← x + c_0·d_0, then + c_1·d_1, … (up to four terms), each sum rounded to float32 as the
 * in-place pass per term it replaces stored it, as one WebAssembly SIMD pass: the same float64 operations two lanes
 * at a time, so the same values bit for bit. Inputs are copied into the kernel's memory and x back out (a 64 KiB
 * copy takes about 1 µs), `CHUNK` elements at a time. On a 4×64×64 latent with four terms: 100 → 20 µs per step.
 */
import { instantiateSimd, wasm as w, type Code } from '../wasm-simd.js';

/** Elements per kernel call: one SD 512² latent. */
const CHUNK = 16384;
const BYTES = 4 * CHUNK;
const MAX_TERMS = 4;
/** Memory regions, in bytes: x, then d_0 … d_3, then the coefficients (float64, splatted). */
const termAt = (term: number): number => (1 + term) * BYTES;
const COEFFICIENTS_AT = (1 + MAX_TERMS) * BYTES;

const PTR = 0;
const END = 1;
const TERMS = 2;
const [X, SUM, LOW] = [3, 4, 5];
const get = w.localGet;
const lanes = (value: Code, high: boolean): Code => w.f64x2PromoteLowF32x4(high ? w.highHalf(value) : value);

/** One half of a group of four: the float32 sum of x and the first TERMS terms, as two float32 lanes. */
function sumLanes(high: boolean): Code {
  const addTerm = (term: number): Code => {
    const product = w.f64x2Mul(
      lanes(w.load(get(PTR), termAt(term)), high),
      w.load(w.i32Const(COEFFICIENTS_AT), 16 * term),
    );
    // f32(sum + c·d), promoted again for the next term.
    const next = w.localSet(SUM, w.f64x2PromoteLowF32x4(w.f32x4DemoteF64x2Zero(w.f64x2Add(get(SUM), product))));
    return term === 0 ? next : w.ifThen(w.i32GtU(get(TERMS), w.i32Const(term)), next);
  };
  return [
    ...w.localSet(SUM, lanes(get(X), high)),
    ...Array.from({ length: MAX_TERMS }, (_, term) => addTerm(term)).flat(),
  ];
}

const body: Code = w.doWhile(
  [
    ...w.localSet(X, w.load(get(PTR), 0)),
    ...sumLanes(false),
    ...w.localSet(LOW, w.f32x4DemoteF64x2Zero(get(SUM))),
    ...sumLanes(true),
    ...w.store(get(PTR), 0, w.joinLow(get(LOW), w.f32x4DemoteF64x2Zero(get(SUM)))),
    ...w.localSet(PTR, w.i32Add(get(PTR), w.i32Const(16))),
  ],
  w.i32LtU(get(PTR), get(END)),
);

const kernel = instantiateSimd(
  [{ name: 'addTerms', params: 3, v128Locals: 3, body }],
  Math.ceil((COEFFICIENTS_AT + 16 * MAX_TERMS) / 65536),
);
const addTerms = kernel.functions.addTerms as (start: number, end: number, terms: number) => void;
const memory = new Float32Array(kernel.memory);
const coefficients = new Float64Array(kernel.memory, COEFFICIENTS_AT, 2 * MAX_TERMS);

/** x ← (((x + c_0·d_0) + c_1·d_1) + …) in float32 after every term; at most four terms. */
export function addTermsInPlace(x: Float32Array, coeffs: readonly number[], ds: readonly Float32Array[]): void {
  const terms = Math.min(coeffs.length, ds.length);
  if (terms < 1 || terms > MAX_TERMS) throw new RangeError(`addTermsInPlace takes 1 to ${MAX_TERMS} terms`);
  coeffs.slice(0, terms).forEach((c, term) => coefficients.fill(c, 2 * term, 2 * term + 2));
  for (let start = 0; start < x.length; start += CHUNK) {
    const length = Math.min(CHUNK, x.length - start);
    memory.set(x.subarray(start, start + length), 0);
    ds.slice(0, terms).forEach((d, term) => memory.set(d.subarray(start, start + length), termAt(term) / 4));
    addTerms(0, 4 * length, terms);
    x.set(memory.subarray(0, length), start);
  }
}

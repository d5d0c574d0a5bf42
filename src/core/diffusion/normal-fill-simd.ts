/**
 * torch's `normal_fill_16` (mean 0, std 1; ATen `native/cpu/DistributionTemplates.h`) as a WebAssembly SIMD kernel,
 * bit for bit: per block of 16 raw MT outputs, lane j (j < 8) pairs u1 = word[j] with u2 = word[j + 8], radius
 * `f32(sqrt(−2·log256(1 − u1)))`, angle `f32(2π·u2)`, out[j] = radius·cos and out[j + 8] = radius·sin, with
 * avx_mathfun's polynomials and fused steps exactly as avx-mathfun.ts evaluates them lane by lane.
 * Four lanes per instruction where float32 arithmetic gives the reference's value (conversions, single products,
 * the frexp on the float's bits), two lanes in float64 where the reference writes `f32(a * b + c)`: `r(a·b + c)`,
 * r = demote to float32 and promote back, is that expression operation for operation. Checked once against the
 * reference over all 2^24 arguments of the log and of sin/cos; avx-mathfun.test.ts keeps a strided sample.
 * 90 µs per 16384 values against 290 µs for the same loop in JavaScript, and the ancestral samplers draw that
 * many at every step (bench/samplers.bench.ts `randn`).
 * The words are drawn into the kernel's memory (`words`) before tempering, tempered and transformed there in place
 * and read from `normals`, at most `capacity` values at a time. Copying MT19937's state words (mt19937.ts
 * `fillUntempered`) and tempering them four at a time here takes 35 µs per 16384 words where tempering them one by
 * one in JavaScript took 70.
 */
import { CEPHES } from './avx-mathfun.js';
import { instantiateSimd, wasm as w, type Code } from './wasm-simd.js';

const f32 = Math.fround;

/** Values per call: one 64 KiB page of words, transformed in place. */
const CAPACITY = 16384;

const PTR = 0;
const END = 1;
let nextLocal = 2;
const local = (): number => nextLocal++;
const get = w.localGet;

/** float32 rounding of a float64x2 value, kept in float64 lanes. */
const r = (value: Code): Code => w.f64x2PromoteLowF32x4(w.f32x4DemoteF64x2Zero(value));
/** r(a·b + c): the fused multiply-add of torch's FMA build. */
const fused = (a: Code, b: Code, c: Code): Code => r(w.f64x2Add(w.f64x2Mul(a, b), c));
const half = (value: Code, high: boolean): Code => (high ? w.highHalf(value) : value);

const LOG_P = CEPHES.log;
const COS_P = CEPHES.cos;
const SIN_P = CEPHES.sin;
const TWO_PI_F32 = f32(2 * Math.PI);

// float32x4 locals (suffix 4): four lanes of a block.
const lx4 = local();
const le4 = local();
const x4 = local();
const j4 = local();
const radius4 = local();
const cos4 = local();
const sin4 = local();
const bits = local();
const below = local();
// float64x2 locals: two of those lanes at a time, where a step rounds once from a float64 result.
const lx = local();
const le = local();
const lz = local();
const y = local();
const x = local();
const z = local();
const j = local();
const cosPoly = local();
const sinPoly = local();
// The low halves' results while the high halves are computed (as demoted float32x4 values).
const radiusLow = local();
const cosLow = local();
const sinLow = local();

/** `f32(sqrt(−2·log256(1 − k·2^-24)))` of the lanes at `offset`, into radius4. */
function radius(offset: number): Code {
  const k = w.and(w.load(get(PTR), offset), w.i32x4(0xffffff));
  const logHalf = (high: boolean): Code => {
    let poly: Code = w.f64x2(LOG_P[0]);
    for (const coefficient of LOG_P.slice(1)) poly = fused(poly, get(lx), w.f64x2(coefficient));
    return [
      ...w.localSet(lx, w.f64x2PromoteLowF32x4(half(get(lx4), high))),
      ...w.localSet(le, w.f64x2PromoteLowF32x4(half(get(le4), high))),
      ...w.localSet(lz, r(w.f64x2Mul(get(lx), get(lx)))),
      ...w.localSet(y, poly),
      ...w.localSet(y, r(w.f64x2Mul(get(y), get(lx)))),
      ...w.localSet(y, fused(get(y), get(lz), r(w.f64x2Mul(get(le), w.f64x2(CEPHES.logQ1))))),
      ...w.localSet(y, r(w.f64x2Sub(get(y), w.f64x2Mul(get(lz), w.f64x2(0.5))))),
      ...w.localSet(y, fused(get(le), w.f64x2(CEPHES.logQ2), r(w.f64x2Add(get(lx), get(y))))),
    ];
  };
  const radiusOf = (): Code => w.f32x4DemoteF64x2Zero(w.f64x2Sqrt(w.f64x2Mul(get(y), w.f64x2(-2))));
  return [
    // frexp on the float's bits: 2^24 − k is exact in float32, its exponent gives b and its mantissa x in [½, 1).
    ...w.localSet(bits, w.f32x4ConvertI32x4U(w.i32x4Sub(w.i32x4(0x1000000), k))),
    ...w.localSet(x4, w.or(w.and(get(bits), w.i32x4(0x007fffff)), w.i32x4(0x3f000000))),
    ...w.localSet(below, w.f32x4Lt(get(x4), w.f32x4(CEPHES.sqrtHalf))),
    // Below √½ the kernel takes 2x − 1 and one less in the exponent (`below` is −1 in those lanes).
    ...w.localSet(lx4, w.f32x4Sub(w.f32x4Add(get(x4), w.and(get(x4), get(below))), w.f32x4(1))),
    ...w.localSet(
      le4,
      w.f32x4ConvertI32x4S(w.i32x4Add(w.i32x4Sub(w.i32x4ShrU(get(bits), 23), w.i32x4(126 + 24)), get(below))),
    ),
    ...logHalf(false),
    ...w.localSet(radiusLow, radiusOf()),
    ...logHalf(true),
    ...w.localSet(radius4, w.joinLow(get(radiusLow), radiusOf())),
  ];
}

/** sincos256_ps(f32(2π·k·2^-24)) of the lanes at `offset`: the polynomials into cos4/sin4, the octant into j4. */
function sinCos(offset: number): Code {
  const k = w.and(w.load(get(PTR), offset), w.i32x4(0xffffff));
  const polyHalf = (high: boolean): Code => [
    ...w.localSet(x, w.f64x2PromoteLowF32x4(half(get(x4), high))),
    ...w.localSet(j, w.f64x2ConvertLowI32x4S(half(get(j4), high))),
    ...CEPHES.minusDp.flatMap((dp) => w.localSet(x, fused(get(j), w.f64x2(dp), get(x)))),
    ...w.localSet(z, r(w.f64x2Mul(get(x), get(x)))),
    ...w.localSet(cosPoly, fused(fused(w.f64x2(COS_P[0]), get(z), w.f64x2(COS_P[1])), get(z), w.f64x2(COS_P[2]))),
    ...w.localSet(cosPoly, r(w.f64x2Mul(get(cosPoly), get(z)))),
    ...w.localSet(cosPoly, r(w.f64x2Sub(w.f64x2Mul(get(cosPoly), get(z)), w.f64x2Mul(get(z), w.f64x2(0.5))))),
    ...w.localSet(cosPoly, r(w.f64x2Add(get(cosPoly), w.f64x2(1)))),
    ...w.localSet(sinPoly, fused(fused(w.f64x2(SIN_P[0]), get(z), w.f64x2(SIN_P[1])), get(z), w.f64x2(SIN_P[2]))),
    ...w.localSet(sinPoly, r(w.f64x2Mul(get(sinPoly), get(z)))),
    ...w.localSet(sinPoly, fused(get(sinPoly), get(x), get(x))),
  ];
  const demoted = (value: number): Code => w.f32x4DemoteF64x2Zero(get(value));
  return [
    ...w.localSet(x4, w.f32x4Mul(w.f32x4(TWO_PI_F32), w.f32x4Mul(w.f32x4ConvertI32x4U(k), w.f32x4(2 ** -24)))),
    ...w.localSet(
      j4,
      w.and(
        w.i32x4Add(w.i32x4TruncSatF32x4S(w.f32x4Mul(get(x4), w.f32x4(CEPHES.fourOverPi))), w.i32x4(1)),
        w.i32x4(~1),
      ),
    ),
    ...polyHalf(false),
    ...w.localSet(cosLow, demoted(cosPoly)),
    ...w.localSet(sinLow, demoted(sinPoly)),
    ...polyHalf(true),
    ...w.localSet(cos4, w.joinLow(get(cosLow), demoted(cosPoly))),
    ...w.localSet(sin4, w.joinLow(get(sinLow), demoted(sinPoly))),
  ];
}

/** Lanes 0–3 (or 4–7) of a block: u1 at `logOffset`, u2 at `logOffset + 32`, written back in their places. */
function lanes(logOffset: number): Code {
  const angleOffset = logOffset + 32;
  // With bit 1 of j set the polynomials trade places; a sign is the float's top bit (avx_mathfun's swap_sign).
  const swap = w.i32x4ShrS(w.i32x4Shl(get(j4), 30), 31);
  const cosSign = w.i32x4Shl(w.and(w.not(w.i32x4Sub(get(j4), w.i32x4(2))), w.i32x4(4)), 29);
  const sinSign = w.i32x4Shl(w.and(get(j4), w.i32x4(4)), 29);
  return [
    ...radius(logOffset),
    ...sinCos(angleOffset),
    ...w.store(get(PTR), logOffset, w.f32x4Mul(get(radius4), w.xor(w.bitselect(get(sin4), get(cos4), swap), cosSign))),
    ...w.store(
      get(PTR),
      angleOffset,
      w.f32x4Mul(get(radius4), w.xor(w.bitselect(get(cos4), get(sin4), swap), sinSign)),
    ),
  ];
}

const fillBody: Code = w.doWhile(
  [...lanes(0), ...lanes(16), ...w.localSet(PTR, w.i32Add(get(PTR), w.i32Const(64)))],
  w.i32LtU(get(PTR), get(END)),
);

/** MT19937's tempering (mt19937.ts `nextUint32`), four words at a time, in place. */
const WORD = 2;
const temperBody: Code = w.doWhile(
  [
    ...w.localSet(WORD, w.load(get(PTR), 0)),
    ...w.localSet(WORD, w.xor(get(WORD), w.i32x4ShrU(get(WORD), 11))),
    ...w.localSet(WORD, w.xor(get(WORD), w.and(w.i32x4Shl(get(WORD), 7), w.i32x4(0x9d2c5680)))),
    ...w.localSet(WORD, w.xor(get(WORD), w.and(w.i32x4Shl(get(WORD), 15), w.i32x4(0xefc60000 | 0)))),
    ...w.store(get(PTR), 0, w.xor(get(WORD), w.i32x4ShrU(get(WORD), 18))),
    ...w.localSet(PTR, w.i32Add(get(PTR), w.i32Const(16))),
  ],
  w.i32LtU(get(PTR), get(END)),
);

const kernel = instantiateSimd(
  [
    { name: 'fill', params: 2, v128Locals: nextLocal - 2, body: fillBody },
    { name: 'temper', params: 2, v128Locals: 1, body: temperBody },
  ],
  1,
);
const { fill, temper } = kernel.functions as Record<'fill' | 'temper', (start: number, end: number) => void>;

export const simdNormalFill = {
  capacity: CAPACITY,
  /** Where the MT outputs go: tempered (`transform` reads them) or, for `temper`, the state words behind them. */
  words: new Int32Array(kernel.memory, 0, CAPACITY),
  /** Tempers the first `count` words in place (and the rest of their group of four, which nothing reads). */
  temper(count: number): void {
    if (count > 0) temper(0, 16 * Math.ceil(count / 4));
  },
  /** `normal_fill_16` of the first `blocks` blocks of `words`, in place. */
  transform(blocks: number): void {
    if (blocks > 0) fill(0, 64 * blocks);
  },
  /** Where `transform` leaves the normals (the same bytes as `words`). */
  normals: new Float32Array(kernel.memory, 0, CAPACITY),
};

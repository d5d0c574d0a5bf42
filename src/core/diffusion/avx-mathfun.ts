/**
 * The float32 log and sin/cos that torch's vectorised normal sampler calls (`log256_ps`, `sincos256_ps` of ATen's
 * `native/cpu/avx_mathfun.h`, Cephes polynomials), evaluated lane by lane with float32 rounding after every step.
 * torch's AVX2 kernels are built with FMA enabled and GCC contracts a multiply followed by an add into one fused
 * operation; which pairs it fused was settled against golden randn.json: fused at exactly the places marked
 * `fused` below, every value of every golden draw matches bit for bit, and with any one of them unfused a few
 * hundred do not.
 * A fused a·b + c rounds once. For float operands a·b is exact in a double, so `f32(a·b + c)` rounds twice and
 * can differ only when the double sum lands exactly on a midpoint between two floats while the exact sum does not
 * (`fma32` resolves that case). Over every input the sampler passes — 1 − u to the log and 2π·u to sin/cos, for
 * the 2^24 values u = k·2^-24 — that never happens at any fused place: checked exhaustively against `fma32`, and
 * test/core/diffusion/avx-mathfun.test.ts keeps a strided sample of that check. So the kernels write
 * `f32(a * b + c)` — about 25 ns per log or sin/cos instead of about 100 ns through nine `fma32` calls — and the
 * sampler's SIMD kernel (normal-fill-simd.ts) computes the same expressions; these lane-by-lane kernels are the
 * reference it is tested against.
 */

const f32 = Math.fround;

/**
 * `fmaf(a, b, c)` for float32 operands: `a·b` is exact in a double, so only the addition rounds twice (to double,
 * then to float). That double rounding is wrong only when the double sum lands exactly halfway between two floats
 * while the exact sum does not; then the float on the exact sum's side is taken.
 */
export function fma32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = f32(sum);
  if (rounded === sum) return rounded;
  // `sum` is a float midpoint exactly when the float on its other side, 2·sum − rounded (computed exactly), exists.
  const other = 2 * sum - rounded;
  return f32(other) === other ? roundMidpoint(product, c, sum, rounded, other) : rounded;
}

/** The rare midpoint case of `fma32`, kept out of line so that the common path stays small enough to inline. */
function roundMidpoint(product: number, c: number, sum: number, rounded: number, other: number): number {
  const back = sum - product;
  const error = product - (sum - back) + (c - back);
  if (error === 0) return rounded;
  return error > 0 === other > rounded ? other : rounded;
}

/** avx_mathfun's constants as float32 (`_PS256_CONST`): log256_ps's, then sincos256_ps's. */
export const CEPHES = {
  sqrtHalf: f32(0.7071067811865476),
  log: [
    f32(7.0376836292e-2),
    f32(-1.151461031e-1),
    f32(1.167699874e-1),
    f32(-1.2420140846e-1),
    f32(1.4249322787e-1),
    f32(-1.6668057665e-1),
    f32(2.0000714765e-1),
    f32(-2.4999993993e-1),
    f32(3.3333331174e-1),
  ],
  logQ1: f32(-2.1219444e-4),
  logQ2: f32(0.693359375),
  fourOverPi: f32(1.27323954473516),
  minusDp: [f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.774894977445941e-8)],
  sin: [f32(-1.9515295891e-4), f32(8.3321608736e-3), f32(-1.6666654611e-1)],
  cos: [f32(2.443315711809948e-5), f32(-1.388731625493765e-3), f32(4.166664568298827e-2)],
} as const;

const SQRTHF = CEPHES.sqrtHalf;
const [LOG_P0, LOG_P1, LOG_P2, LOG_P3, LOG_P4, LOG_P5, LOG_P6, LOG_P7, LOG_P8] = CEPHES.log;
const LOG_Q1 = CEPHES.logQ1;
const LOG_Q2 = CEPHES.logQ2;

const float = new Float32Array(1);
const floatBits = new Int32Array(float.buffer);

/**
 * `log256_ps` for one lane. Exact (fused steps included) for the sampler's arguments 1 − k·2^-24, k in
 * [0, 2^24); other arguments in (0, 1] may differ from the fused kernel in the last bit (see the header).
 */
export function logCephes(value: number): number {
  float[0] = value;
  const raw = floatBits[0] as number;
  // frexp: value = x·2^e with x in [0.5, 1); e is a small integer and x − 1, 2x − 1 are exact in float32.
  const e = (raw >>> 23) - 0x7f + 1;
  floatBits[0] = (raw & ~0x7f800000) | 0x3f000000;
  return logCephesFrexp(float[0] as number, e);
}

/** 2^-b for b in [0, 25]: scaling by it is exact. */
const INV_POW2 = Float64Array.from({ length: 26 }, (_, b) => 2 ** -b);

/**
 * `log256_ps(1 − k·2^-24)` for an integer k in [0, 2^24), the log argument of torch's vectorised Box–Muller,
 * bit for bit as `logCephes(1 − k·2^-24)`: the frexp is done on the integer m = 2^24 − k (its bit length b gives
 * x = m·2^-b in [0.5, 1) exactly and e = b − 24) instead of through a typed array, which V8 cannot keep in
 * registers.
 */
export function logCephesOneMinusUniform24(k: number): number {
  const m = 0x1000000 - k;
  const b = 32 - Math.clz32(m);
  return logCephesFrexp(m * (INV_POW2[b] as number), b - 24);
}

/** The body of `log256_ps` after frexp: `x` in [0.5, 1) a float32, `e` the exponent. */
function logCephesFrexp(mantissa: number, exponent: number): number {
  let x = mantissa;
  let e = exponent;
  if (x < SQRTHF) {
    e -= 1;
    x = x - 1 + x;
  } else {
    x -= 1;
  }
  const z = f32(x * x);
  // fused: every multiply-add of the two Horner chains, `y·z + e·q1` and `e·q2 + x`.
  let y = f32(f32(f32(f32(LOG_P0 * x + LOG_P1) * x + LOG_P2) * x + LOG_P3) * x + LOG_P4);
  y = f32(f32(f32(f32(y * x + LOG_P5) * x + LOG_P6) * x + LOG_P7) * x + LOG_P8);
  y = f32(y * x);
  y = f32(y * z + f32(e * LOG_Q1));
  y = f32(y - z * 0.5);
  x = f32(x + y);
  return f32(e * LOG_Q2 + x);
}

const FOPI = CEPHES.fourOverPi;
const [MINUS_DP1, MINUS_DP2, MINUS_DP3] = CEPHES.minusDp;
const [SINCOF_P0, SINCOF_P1, SINCOF_P2] = CEPHES.sin;
const [COSCOF_P0, COSCOF_P1, COSCOF_P2] = CEPHES.cos;

/**
 * `sincos256_ps` for one lane, written into `out` as [sin, cos] to avoid an allocation per call. Exact (fused
 * steps included) for the sampler's arguments f32(2π·k·2^-24), k in [0, 2^24) (see the header).
 */
export function sinCosCephes(value: number, out: Float64Array): void {
  let x = Math.abs(value);
  let j = Math.trunc(f32(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  // fused: the three-part range reduction and every multiply-add of the two polynomials.
  x = f32(y * MINUS_DP1 + x);
  x = f32(y * MINUS_DP2 + x);
  x = f32(y * MINUS_DP3 + x);
  const z = f32(x * x);

  let cosPoly = f32(f32(COSCOF_P0 * z + COSCOF_P1) * z + COSCOF_P2);
  cosPoly = f32(cosPoly * z);
  cosPoly = f32(cosPoly * z - z * 0.5);
  cosPoly = f32(cosPoly + 1);

  let sinPoly = f32(f32(SINCOF_P0 * z + SINCOF_P1) * z + SINCOF_P2);
  sinPoly = f32(sinPoly * z);
  sinPoly = f32(sinPoly * x + x);

  const sinFirst = (j & 2) === 0;
  const sinNegative = value < 0 !== ((j & 4) !== 0);
  const cosNegative = (~(j - 2) & 4) !== 0;
  const sin = sinFirst ? sinPoly : cosPoly;
  const cos = sinFirst ? cosPoly : sinPoly;
  out[0] = sinNegative ? -sin : sin;
  out[1] = cosNegative ? -cos : cos;
}

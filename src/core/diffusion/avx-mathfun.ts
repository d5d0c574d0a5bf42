/**
 * The float32 log and sin/cos that torch's vectorised normal sampler calls (`log256_ps`, `sincos256_ps` of ATen's
 * `native/cpu/avx_mathfun.h`, Cephes polynomials), evaluated lane by lane with float32 rounding after every step.
 * torch's AVX2 kernels are built with FMA enabled and GCC contracts a multiply followed by an add into one fused
 * operation; which pairs it fused was settled against golden randn.json: with `fma32` at exactly the places below
 * every value of every golden draw matches bit for bit, and with any one of them unfused a few hundred do not.
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
  // `sum` is a float midpoint exactly when the float on its other side, 2·sum − rounded (computed exactly), exists.
  const other = 2 * sum - rounded;
  if (rounded === sum || f32(other) !== other) return rounded;
  const back = sum - product;
  const error = product - (sum - back) + (c - back);
  if (error === 0) return rounded;
  return error > 0 === other > rounded ? f32(other) : rounded;
}

const MIN_NORM_POS = 1.1754943508222875e-38;
const SQRTHF = f32(0.7071067811865476);
const LOG_P0 = f32(7.0376836292e-2);
const LOG_P1 = f32(-1.151461031e-1);
const LOG_P2 = f32(1.167699874e-1);
const LOG_P3 = f32(-1.2420140846e-1);
const LOG_P4 = f32(1.4249322787e-1);
const LOG_P5 = f32(-1.6668057665e-1);
const LOG_P6 = f32(2.0000714765e-1);
const LOG_P7 = f32(-2.4999993993e-1);
const LOG_P8 = f32(3.3333331174e-1);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);

const float = new Float32Array(1);
const floatBits = new Int32Array(float.buffer);

/** `log256_ps` for one lane; the argument is a float32 in (0, 1] here (torch passes `1 − u`). */
export function logCephes(value: number): number {
  float[0] = Math.max(value, MIN_NORM_POS);
  const raw = floatBits[0] ?? 0;
  let e = f32((raw >>> 23) - 0x7f + 1);
  floatBits[0] = (raw & ~0x7f800000) | 0x3f000000;
  let x = float[0] ?? 0;
  if (x < SQRTHF) {
    e = f32(e - 1);
    x = f32(f32(x - 1) + x);
  } else {
    x = f32(x - 1);
  }
  const z = f32(x * x);
  let y = fma32(fma32(fma32(fma32(LOG_P0, x, LOG_P1), x, LOG_P2), x, LOG_P3), x, LOG_P4);
  y = fma32(fma32(fma32(fma32(y, x, LOG_P5), x, LOG_P6), x, LOG_P7), x, LOG_P8);
  y = f32(y * x);
  y = fma32(y, z, f32(e * LOG_Q1));
  y = f32(y - z * 0.5);
  x = f32(x + y);
  return fma32(e, LOG_Q2, x);
}

const FOPI = f32(1.27323954473516);
const MINUS_DP1 = f32(-0.78515625);
const MINUS_DP2 = f32(-2.4187564849853515625e-4);
const MINUS_DP3 = f32(-3.774894977445941e-8);
const SINCOF_P0 = f32(-1.9515295891e-4);
const SINCOF_P1 = f32(8.3321608736e-3);
const SINCOF_P2 = f32(-1.6666654611e-1);
const COSCOF_P0 = f32(2.443315711809948e-5);
const COSCOF_P1 = f32(-1.388731625493765e-3);
const COSCOF_P2 = f32(4.166664568298827e-2);

/** `sincos256_ps` for one lane, written into `out` as [sin, cos] to avoid an allocation per call. */
export function sinCosCephes(value: number, out: Float64Array): void {
  let x = Math.abs(value);
  let j = Math.trunc(f32(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  x = fma32(y, MINUS_DP1, x);
  x = fma32(y, MINUS_DP2, x);
  x = fma32(y, MINUS_DP3, x);
  const z = f32(x * x);

  let cosPoly = fma32(fma32(COSCOF_P0, z, COSCOF_P1), z, COSCOF_P2);
  cosPoly = f32(cosPoly * z);
  cosPoly = fma32(cosPoly, z, -z * 0.5);
  cosPoly = f32(cosPoly + 1);

  let sinPoly = fma32(fma32(SINCOF_P0, z, SINCOF_P1), z, SINCOF_P2);
  sinPoly = f32(sinPoly * z);
  sinPoly = fma32(sinPoly, x, x);

  const sinFirst = (j & 2) === 0;
  const sinNegative = value < 0 !== ((j & 4) !== 0);
  const cosNegative = (~(j - 2) & 4) !== 0;
  const sin = sinFirst ? sinPoly : cosPoly;
  const cos = sinFirst ? cosPoly : sinPoly;
  out[0] = sinNegative ? -sin : sin;
  out[1] = cosNegative ? -cos : cos;
}

/**
 * The two arithmetics numexpr 2.8.4 mixes (spec §1.4): sub-expressions made only of constants are folded by
 * Python before numexpr sees them (floor modulo, ZeroDivisionError), while everything touching a variable runs in
 * numexpr's C kernels (truncated remainder on integers, `x - floor(x/y)*y` on doubles, true division).
 */

/** Python's `%` on ints and floats: the result takes the sign of the divisor. Caller has excluded y == 0. */
export function pythonModulo(x: number, y: number): number {
  const remainder = x % y;
  return remainder !== 0 && remainder < 0 !== y < 0 ? remainder + y : remainder;
}

/** numexpr's OP_MOD_DDD kernel, which differs from Python's fmod-based float modulo in the last bits. */
export function numexprFloatModulo(x: number, y: number): number {
  return x - Math.floor(x / y) * y;
}

/** numexpr 2.8.4's OP_POW_LLL: a negative exponent gives C integer division 1 / x. Caller has excluded x == 0. */
export function numexprIntegerPower(x: number, y: number): number {
  return y < 0 ? Math.trunc(1 / x) : Math.trunc(Math.pow(x, y));
}

/**
 * numexpr's "aggressive" rewrite of `a ** c` for constants c that are whole or half integers with |c| ≤ 50:
 * binary exponentiation with multiplications, a final sqrt for the half, and 1/r for negative c. Kept
 * operation by operation because the rounding (and the integer type of `t**2`) follows from it.
 */
export function powerByMultiplication(base: number, exponent: number): number {
  const n = Math.trunc(Math.abs(exponent));
  let result: number | undefined;
  let square = base;
  for (let mask = 1; ; mask <<= 1) {
    if (n & mask) result = result === undefined ? square : result * square;
    if (mask << 1 > n) break;
    square *= square;
  }
  if (Math.abs(2 * exponent) % 2 === 1) result = result === undefined ? Math.sqrt(base) : result * Math.sqrt(base);
  result ??= 1;
  return exponent < 0 ? 1 / result : result;
}

export const POWER_BY_MULTIPLICATION_LIMIT = 50;

/**
 * The functions numexpr 2.8 offers to a schedule (spec §1.4), with their arity and how numexpr types them:
 * every one works in double precision except `where`, whose result has the type of its branches.
 */

export type FunctionName = keyof typeof FUNCTIONS;

interface FunctionSpec {
  readonly arity: number;
  readonly apply: (...args: number[]) => number;
}

const unary = (apply: (x: number) => number): FunctionSpec => ({ arity: 1, apply });

export const FUNCTIONS = {
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  arcsin: unary(Math.asin),
  arccos: unary(Math.acos),
  arctan: unary(Math.atan),
  arctan2: { arity: 2, apply: (y: number, x: number) => Math.atan2(y, x) },
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  tanh: unary(Math.tanh),
  arcsinh: unary(Math.asinh),
  arccosh: unary(Math.acosh),
  arctanh: unary(Math.atanh),
  exp: unary(Math.exp),
  expm1: unary(Math.expm1),
  log: unary(Math.log),
  log10: unary(Math.log10),
  log1p: unary(Math.log1p),
  sqrt: unary(Math.sqrt),
  abs: unary(Math.abs),
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  // C fmod keeps the sign of the dividend, which is exactly JavaScript's `%` on doubles.
  fmod: { arity: 2, apply: (x: number, y: number) => x % y },
  where: {
    arity: 3,
    apply: (condition: number, whenTrue: number, whenFalse: number) => (condition !== 0 ? whenTrue : whenFalse),
  },
} as const satisfies Record<string, FunctionSpec>;

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

/** Hints for functions people reach for that numexpr does not have. */
export const MISSING_FUNCTION_HINTS: Readonly<Record<string, string>> = {
  round: 'numexpr has no round(); use floor(x + 0.5).',
  min: 'numexpr has no two-argument min(); use where(a < b, a, b).',
  max: 'numexpr has no two-argument max(); use where(a > b, a, b).',
  pow: 'numexpr has no pow(); use a ** b.',
  int: 'numexpr has no int(); use floor(x) (or where(x < 0, ceil(x), floor(x)) to truncate).',
  float: 'numexpr has no float(); numbers are already floating point where it matters.',
};

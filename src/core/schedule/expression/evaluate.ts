/**
 * Compiles an expression tree once into a closure evaluated per frame, typing it the way numexpr does
 * (spec §1.4). Every type is known at compile time because `t` is always an integer, so the int-versus-double
 * behaviour of `%` and `**` is decided here, and constant sub-expressions are folded with Python's semantics
 * (so `1/0` fails before any frame is rendered, as numexpr's ZeroDivisionError does).
 */
import { evaluationError, syntaxError, type ScheduleSource } from '../source-error.js';
import {
  POWER_BY_MULTIPLICATION_LIMIT,
  numexprFloatModulo,
  numexprIntegerPower,
  powerByMultiplication,
  pythonModulo,
} from './arithmetic.js';
import { FUNCTIONS } from './functions.js';
import type { BinaryOperator, ExpressionNode } from './parse.js';

type Kind = 'bool' | 'int' | 'double';
type Run = (frame: number) => number;

interface Typed {
  readonly kind: Kind;
  /** Set when the sub-expression is a Python-folded constant. */
  readonly constant: number | undefined;
  readonly run: Run;
}

export interface CompiledExpression {
  /** The value on every frame when the formula uses no variable. */
  readonly constant: number | undefined;
  readonly evaluate: Run;
}

/** Names besides `t`: numexpr also reads the notebook's locals `i` (= t) and `max_frames`; callers may add more. */
export interface ExpressionScope {
  readonly maxFrames: number;
  readonly variables: Readonly<Record<string, number>>;
}

const FRAME_NAMES = new Set(['t', 'i']);

const NAME_HINTS: Readonly<Record<string, string>> = {
  pi: 'numexpr has no pi; write 3.141592653589793 (the notebook defaults use 3.14).',
  e: 'numexpr has no e; write 2.718281828459045 or exp(1).',
  inf: 'numexpr has no inf; write a large number such as 1e9.',
  nan: 'numexpr has no nan.',
};

export function compileExpression(
  node: ExpressionNode,
  scope: ExpressionScope,
  source: ScheduleSource,
): CompiledExpression {
  const typed = new Compiler(scope, source).compile(node);
  return { constant: typed.constant, evaluate: typed.run };
}

export function knownNames(scope: ExpressionScope): string[] {
  return ['t', 'i', 'max_frames', ...Object.keys(scope.variables)];
}

const constant = (kind: Kind, value: number): Typed => ({ kind, constant: value, run: () => value });
const runtime = (kind: Kind, run: Run): Typed => ({ kind, constant: undefined, run });
const isIntegral = (kind: Kind): boolean => kind !== 'double';
const arithmeticKind = (a: Kind, b: Kind): Kind => (isIntegral(a) && isIntegral(b) ? 'int' : 'double');

class Compiler {
  constructor(
    private readonly scope: ExpressionScope,
    private readonly source: ScheduleSource,
  ) {}

  compile(node: ExpressionNode): Typed {
    switch (node.type) {
      case 'number':
        return constant(node.integer ? 'int' : 'double', node.value);
      case 'boolean':
        return constant('bool', node.value ? 1 : 0);
      case 'variable':
        return this.variable(node.name, node.offset);
      case 'unary':
        return this.unary(node.operator, this.compile(node.operand), node.offset);
      case 'binary':
        return this.binary(node.operator, this.compile(node.left), this.compile(node.right), node.offset);
      case 'call':
        return this.call(
          node.name,
          node.args.map((arg) => this.compile(arg)),
          node.offset,
        );
    }
  }

  private variable(name: string, offset: number): Typed {
    if (FRAME_NAMES.has(name)) return runtime('int', (frame) => frame);
    // Variables are never folded: numexpr treats them as arrays, so 1/(max_frames-1) is not a constant division.
    if (name === 'max_frames') {
      const maxFrames = this.scope.maxFrames;
      return runtime('int', () => maxFrames);
    }
    const value = Object.hasOwn(this.scope.variables, name) ? this.scope.variables[name] : undefined;
    if (value !== undefined) return runtime(Number.isInteger(value) ? 'int' : 'double', () => value);
    const hint =
      NAME_HINTS[name] ?? `Formulas can use ${knownNames(this.scope).join(', ')} and functions such as sin(t).`;
    throw syntaxError(this.source, offset, `unknown name '${name}'`, 'a known name', hint);
  }

  private unary(operator: '-' | '+' | '~', operand: Typed, offset: number): Typed {
    const kind: Kind = operand.kind === 'double' ? 'double' : 'int';
    if (operator === '~') {
      if (operand.constant !== undefined && operand.kind !== 'double') return constant('int', -operand.constant - 1);
      if (operand.kind !== 'bool') throw this.needsCondition('~', offset);
      const run = operand.run;
      return runtime('bool', (frame) => (run(frame) === 0 ? 1 : 0));
    }
    if (operand.constant !== undefined) return constant(kind, operator === '-' ? -operand.constant : operand.constant);
    const run = operand.run;
    return operator === '-' ? runtime(kind, (frame) => -run(frame)) : runtime(kind, run);
  }

  private binary(operator: BinaryOperator, left: Typed, right: Typed, offset: number): Typed {
    if (operator === '&' || operator === '|') return this.logical(operator, left, right, offset);
    if (left.constant !== undefined && right.constant !== undefined) return this.fold(operator, left, right, offset);
    if (operator === '**') return this.power(left, right, offset);
    const a = left.run;
    const b = right.run;
    const kind = arithmeticKind(left.kind, right.kind);
    switch (operator) {
      case '+':
        return runtime(kind, (f) => a(f) + b(f));
      case '-':
        return runtime(kind, (f) => a(f) - b(f));
      case '*':
        return runtime(kind, (f) => a(f) * b(f));
      case '/':
        return runtime('double', (f) => a(f) / b(f));
      case '%':
        return kind === 'double'
          ? runtime(kind, (f) => numexprFloatModulo(a(f), b(f)))
          : runtime(kind, this.integerModulo(a, b));
      case '<':
        return runtime('bool', (f) => (a(f) < b(f) ? 1 : 0));
      case '<=':
        return runtime('bool', (f) => (a(f) <= b(f) ? 1 : 0));
      case '>':
        return runtime('bool', (f) => (a(f) > b(f) ? 1 : 0));
      case '>=':
        return runtime('bool', (f) => (a(f) >= b(f) ? 1 : 0));
      case '==':
        return runtime('bool', (f) => (a(f) === b(f) ? 1 : 0));
      case '!=':
        return runtime('bool', (f) => (a(f) !== b(f) ? 1 : 0));
    }
  }

  /** numexpr 2.8.4 runs C's `%` on integers (sign of the dividend); a zero divisor crashes it, so we refuse it. */
  private integerModulo(a: Run, b: Run): Run {
    return (frame) => {
      const divisor = b(frame);
      if (divisor === 0) {
        throw evaluationError(
          this.source,
          frame,
          'integer modulo by zero',
          'Make sure the divisor is never 0 (numexpr 2.8 crashes on it).',
        );
      }
      return a(frame) % divisor;
    };
  }

  private power(base: Typed, exponent: Typed, offset: number): Typed {
    const a = base.run;
    if (exponent.constant !== undefined) {
      const x = exponent.constant;
      if (isIntegral(base.kind) && isIntegral(exponent.kind) && x < 0) {
        throw syntaxError(
          this.source,
          offset,
          'integer to a negative integer power',
          'a non-negative exponent',
          'numexpr refuses it; write a decimal exponent (t**-1.0) or 1/t.',
        );
      }
      if (Number.isInteger(2 * x) && Math.abs(x) <= POWER_BY_MULTIPLICATION_LIMIT) {
        const integral = Number.isInteger(x) && x >= 0 && isIntegral(base.kind);
        return runtime(integral ? 'int' : 'double', (f) => powerByMultiplication(a(f), x));
      }
    }
    const b = exponent.run;
    if (isIntegral(base.kind) && isIntegral(exponent.kind)) {
      return runtime('int', (frame) => {
        const x = a(frame);
        const y = b(frame);
        if (x === 0 && y < 0)
          throw evaluationError(
            this.source,
            frame,
            'zero to a negative power',
            'Keep the base away from 0 when the exponent is negative.',
          );
        return numexprIntegerPower(x, y);
      });
    }
    return runtime('double', (f) => Math.pow(a(f), b(f)));
  }

  private logical(operator: '&' | '|', left: Typed, right: Typed, offset: number): Typed {
    if (
      left.constant !== undefined &&
      right.constant !== undefined &&
      left.kind !== 'double' &&
      right.kind !== 'double'
    ) {
      const value = operator === '&' ? left.constant & right.constant : left.constant | right.constant;
      return constant(left.kind === 'bool' && right.kind === 'bool' ? 'bool' : 'int', value);
    }
    if (left.kind !== 'bool' || right.kind !== 'bool') throw this.needsCondition(operator, offset);
    const a = left.run;
    const b = right.run;
    return operator === '&'
      ? runtime('bool', (f) => (a(f) !== 0 && b(f) !== 0 ? 1 : 0))
      : runtime('bool', (f) => (a(f) !== 0 || b(f) !== 0 ? 1 : 0));
  }

  /** Python evaluates operators between constants before numexpr runs (numexpr's ConstantNode folding). */
  private fold(operator: Exclude<BinaryOperator, '&' | '|'>, left: Typed, right: Typed, offset: number): Typed {
    const x = left.constant ?? 0;
    const y = right.constant ?? 0;
    const kind = arithmeticKind(left.kind, right.kind);
    switch (operator) {
      case '+':
        return constant(kind, x + y);
      case '-':
        return constant(kind, x - y);
      case '*':
        return constant(kind, x * y);
      case '/':
        if (y === 0) throw this.divisionByZero(offset);
        return constant('double', x / y);
      case '%':
        if (y === 0) throw this.divisionByZero(offset);
        return constant(kind, pythonModulo(x, y));
      case '**':
        if (x === 0 && y < 0) throw this.divisionByZero(offset);
        if (x < 0 && !Number.isInteger(y)) {
          throw syntaxError(
            this.source,
            offset,
            'negative number to a fractional power',
            'a real result',
            'The result would be a complex number; use abs() on the base.',
          );
        }
        return constant(kind === 'int' && y >= 0 ? 'int' : 'double', Math.pow(x, y));
      case '<':
        return constant('bool', x < y ? 1 : 0);
      case '<=':
        return constant('bool', x <= y ? 1 : 0);
      case '>':
        return constant('bool', x > y ? 1 : 0);
      case '>=':
        return constant('bool', x >= y ? 1 : 0);
      case '==':
        return constant('bool', x === y ? 1 : 0);
      case '!=':
        return constant('bool', x !== y ? 1 : 0);
    }
  }

  private call(name: keyof typeof FUNCTIONS, args: Typed[], offset: number): Typed {
    if (name === 'where') return this.where(args, offset);
    const apply = FUNCTIONS[name].apply as (...values: number[]) => number;
    if (args.every((arg) => arg.constant !== undefined)) {
      const value = apply(...args.map((arg) => arg.constant ?? 0));
      // Folded by numpy, which keeps integers integral for abs and fmod.
      const integral = (name === 'abs' || name === 'fmod') && args.every((arg) => isIntegral(arg.kind));
      return constant(integral ? 'int' : 'double', value);
    }
    const [first, second] = args.map((arg) => arg.run);
    if (first && second) return runtime('double', (f) => apply(first(f), second(f)));
    if (first) return runtime('double', (f) => apply(first(f)));
    throw syntaxError(this.source, offset, `${name}() has no argument`, 'an argument', `Call it like ${name}(t).`);
  }

  private where(args: Typed[], offset: number): Typed {
    const [condition, whenTrue, whenFalse] = args;
    if (!condition || !whenTrue || !whenFalse)
      throw syntaxError(
        this.source,
        offset,
        'where() needs 3 arguments',
        '3 arguments',
        'Write where(condition, value_if_true, value_if_false).',
      );
    // numexpr picks the branch itself when the condition is a constant.
    if (condition.constant !== undefined) return condition.constant !== 0 ? whenTrue : whenFalse;
    if (condition.kind !== 'bool') throw this.needsCondition('where()', offset);
    const kind: Kind = whenTrue.kind === whenFalse.kind ? whenTrue.kind : arithmeticKind(whenTrue.kind, whenFalse.kind);
    const c = condition.run;
    const a = whenTrue.run;
    const b = whenFalse.run;
    return runtime(kind, (f) => (c(f) !== 0 ? a(f) : b(f)));
  }

  private needsCondition(operator: string, offset: number): Error {
    return syntaxError(
      this.source,
      offset,
      `${operator} needs a condition`,
      'a comparison such as t > 5',
      `numexpr applies ${operator} only to conditions; write e.g. (t > 5) & (t < 10) or where(t > 5, 1, 0).`,
    );
  }

  private divisionByZero(offset: number): Error {
    return syntaxError(
      this.source,
      offset,
      'division by zero',
      'a non-zero divisor',
      'Divide by a number other than 0.',
    );
  }
}

/**
 * Parses one schedule value into an expression tree, with Python's grammar and precedence as numexpr sees it
 * (spec §1.4): `**` binds tighter than a unary minus on its left (-2**2 = -4) and is right-associative,
 * comparisons do not chain, and `and`/`or`/`not`/`if`/`//` are errors. Depth is limited so hostile input
 * cannot exhaust the stack.
 */
import { syntaxError, type ScheduleSource } from '../source-error.js';
import { FUNCTIONS, MISSING_FUNCTION_HINTS, isFunctionName, type FunctionName } from './functions.js';
import { tokenize, type Token } from './tokenize.js';

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&' | '|';
export type UnaryOperator = '-' | '+' | '~';

export type ExpressionNode =
  | { type: 'number'; offset: number; value: number; integer: boolean }
  | { type: 'boolean'; offset: number; value: boolean }
  | { type: 'variable'; offset: number; name: string }
  | { type: 'unary'; offset: number; operator: UnaryOperator; operand: ExpressionNode }
  | { type: 'binary'; offset: number; operator: BinaryOperator; left: ExpressionNode; right: ExpressionNode }
  | { type: 'call'; offset: number; name: FunctionName; args: ExpressionNode[] };

/** Deeper than any hand-written formula; shallow enough that compiling and evaluating never nears the stack limit. */
export const MAX_EXPRESSION_DEPTH = 100;

const END: Token = { kind: 'end', offset: 0, text: '' };
const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);
const PYTHON_KEYWORDS: Readonly<Record<string, string>> = {
  and: "use '&' between comparisons, e.g. (t > 5) & (t < 10)",
  or: "use '|' between comparisons, e.g. (t < 5) | (t > 10)",
  not: "use '~' before a comparison, e.g. ~(t > 5)",
  if: 'use where(condition, value_if_true, value_if_false)',
  else: 'use where(condition, value_if_true, value_if_false)',
};

export function parseExpression(text: string, source: ScheduleSource): ExpressionNode {
  return new Parser(tokenize(text, source), source).parseAll();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: ScheduleSource,
  ) {}

  parseAll(): ExpressionNode {
    const first = this.peek();
    if (first.kind === 'end') {
      throw syntaxError(
        this.source,
        first.offset,
        'empty value',
        'a number or formula',
        'Put a number or a formula between the parentheses, e.g. 0:(1.0).',
      );
    }
    const node = this.parseComparison();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next);
    return node;
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseBitOr();
    const operator = this.peek();
    if (operator.kind !== 'operator' || !COMPARISONS.has(operator.text)) return left;
    this.index++;
    const node = this.binary(operator, left, this.parseBitOr());
    const chained = this.peek();
    if (chained.kind === 'operator' && COMPARISONS.has(chained.text)) {
      throw syntaxError(
        this.source,
        chained.offset,
        'chained comparison',
        'one comparison',
        'numexpr cannot chain comparisons; write (a < b) & (b < c).',
      );
    }
    return node;
  }

  private parseBitOr(): ExpressionNode {
    let node = this.parseBitAnd();
    while (this.atOperator('|')) node = this.binary(this.take(), node, this.parseBitAnd());
    return node;
  }

  private parseBitAnd(): ExpressionNode {
    let node = this.parseSum();
    while (this.atOperator('&')) node = this.binary(this.take(), node, this.parseSum());
    return node;
  }

  private parseSum(): ExpressionNode {
    let node = this.parseProduct();
    while (this.atOperator('+') || this.atOperator('-')) node = this.binary(this.take(), node, this.parseProduct());
    return node;
  }

  private parseProduct(): ExpressionNode {
    let node = this.parseUnary();
    while (this.atOperator('*') || this.atOperator('/') || this.atOperator('%'))
      node = this.binary(this.take(), node, this.parseUnary());
    return node;
  }

  private parseUnary(): ExpressionNode {
    const token = this.peek();
    if (token.kind === 'operator' && (token.text === '-' || token.text === '+' || token.text === '~')) {
      this.index++;
      const operand = this.nested(() => this.parseUnary());
      return this.checked({ type: 'unary', offset: token.offset, operator: token.text, operand });
    }
    return this.parsePower();
  }

  private parsePower(): ExpressionNode {
    const base = this.parsePrimary();
    if (!this.atOperator('**')) return base;
    const operator = this.take();
    // The exponent is a unary expression, so 2**-1 parses and a**b**c groups as a**(b**c).
    return this.binary(
      operator,
      base,
      this.nested(() => this.parseUnary()),
    );
  }

  private parsePrimary(): ExpressionNode {
    const token = this.take();
    switch (token.kind) {
      case 'number':
        return { type: 'number', offset: token.offset, value: token.value, integer: token.integer };
      case 'name':
        return this.parseName(token);
      case 'quoted':
        throw syntaxError(
          this.source,
          token.offset,
          `quoted text '${token.text}'`,
          'a number or formula',
          'Only sampler_schedule takes names in quotes; write a number or a formula here.',
        );
      case 'operator':
        if (token.text === '(') {
          const inner = this.nested(() => this.parseComparison());
          this.expectClosing(token);
          return inner;
        }
        throw this.unexpected(token);
      case 'end':
        throw syntaxError(
          this.source,
          token.offset,
          'the formula ends too early',
          'a number, t or a function',
          'Complete the formula after the last operator.',
        );
    }
  }

  private parseName(token: Extract<Token, { kind: 'name' }>): ExpressionNode {
    const name = token.text;
    if (name === 'True' || name === 'False') return { type: 'boolean', offset: token.offset, value: name === 'True' };
    const keywordHint = PYTHON_KEYWORDS[name];
    if (keywordHint) {
      throw syntaxError(
        this.source,
        token.offset,
        `Python's '${name}' is not allowed`,
        'a numexpr operator',
        `numexpr does not support it: ${keywordHint}.`,
      );
    }
    if (!this.atOperator('(')) {
      if (isFunctionName(name)) {
        throw syntaxError(
          this.source,
          token.offset,
          `'${name}' is a function`,
          `'(' after ${name}`,
          `Call it with its argument, e.g. ${name}(t).`,
        );
      }
      return { type: 'variable', offset: token.offset, name };
    }
    if (!isFunctionName(name)) {
      const hint = MISSING_FUNCTION_HINTS[name] ?? `Available functions: ${Object.keys(FUNCTIONS).join(', ')}.`;
      throw syntaxError(this.source, token.offset, `unknown function '${name}'`, 'a numexpr function', hint);
    }
    const open = this.take();
    const args = this.nested(() => this.parseArguments());
    this.expectClosing(open);
    const arity = FUNCTIONS[name].arity;
    if (args.length !== arity) {
      throw syntaxError(
        this.source,
        token.offset,
        `${name}() given ${String(args.length)} argument(s)`,
        `${String(arity)} argument(s)`,
        `${name}() takes exactly ${String(arity)} argument(s).`,
      );
    }
    return this.checked({ type: 'call', offset: token.offset, name, args });
  }

  private parseArguments(): ExpressionNode[] {
    if (this.atOperator(')')) return [];
    const args = [this.parseComparison()];
    while (this.atOperator(',')) {
      this.index++;
      args.push(this.parseComparison());
    }
    return args;
  }

  private expectClosing(open: Token): void {
    const token = this.peek();
    if (token.kind === 'operator' && token.text === ')') {
      this.index++;
      return;
    }
    if (token.kind === 'end') {
      throw syntaxError(this.source, open.offset, "missing ')' for this '('", "')'", 'Add the closing parenthesis.');
    }
    throw this.unexpected(token);
  }

  private unexpected(token: Token): Error {
    const where = token.offset;
    switch (token.text) {
      case ')':
        return syntaxError(
          this.source,
          where,
          "unexpected ')'",
          'an operator or the end of the value',
          'Remove the extra parenthesis.',
        );
      case '//':
        return syntaxError(
          this.source,
          where,
          "floor division '//' is not supported",
          'an operator numexpr knows',
          'numexpr has no //; use floor(a / b).',
        );
      case '^':
        return syntaxError(
          this.source,
          where,
          "'^' is not supported",
          'an operator numexpr knows',
          'Use ** for powers (t**2).',
        );
      case '<<':
      case '>>':
        return syntaxError(
          this.source,
          where,
          `'${token.text}' is not supported`,
          'an operator numexpr knows',
          'numexpr has no bit shifts; multiply or divide by a power of 2.',
        );
    }
    const keywordHint = token.kind === 'name' ? PYTHON_KEYWORDS[token.text] : undefined;
    if (keywordHint) {
      return syntaxError(
        this.source,
        where,
        `Python's '${token.text}' is not allowed`,
        'a numexpr operator',
        `numexpr does not support it: ${keywordHint}.`,
      );
    }
    const shown = token.kind === 'quoted' ? `'${token.text}'` : token.text;
    return syntaxError(
      this.source,
      where,
      `unexpected '${shown}'`,
      'an operator',
      'Put an operator between values (2*t, not 2t or 2 t).',
    );
  }

  private binary(operator: Token, left: ExpressionNode, right: ExpressionNode): ExpressionNode {
    return this.checked({
      type: 'binary',
      offset: operator.offset,
      operator: operator.text as BinaryOperator,
      left,
      right,
    });
  }

  /** Counts tree height on the way up, so a long flat chain (1+1+1+…) is refused as well as deep nesting. */
  private checked(node: ExpressionNode): ExpressionNode {
    if (height(node) > MAX_EXPRESSION_DEPTH) throw this.tooDeep(node.offset);
    return node;
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw this.tooDeep(this.peek().offset);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private tooDeep(offset: number): Error {
    return syntaxError(
      this.source,
      offset,
      `formula nested deeper than ${String(MAX_EXPRESSION_DEPTH)} levels`,
      'a simpler formula',
      'Split it into simpler keyframes or remove redundant parentheses.',
    );
  }

  private peek(): Token {
    return this.tokens[Math.min(this.index, this.tokens.length - 1)] ?? END;
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private atOperator(text: string): boolean {
    const token = this.peek();
    return token.kind === 'operator' && token.text === text;
  }
}

const HEIGHTS = new WeakMap<ExpressionNode, number>();

function height(node: ExpressionNode): number {
  const known = HEIGHTS.get(node);
  if (known !== undefined) return known;
  let children: readonly ExpressionNode[] = [];
  if (node.type === 'unary') children = [node.operand];
  else if (node.type === 'binary') children = [node.left, node.right];
  else if (node.type === 'call') children = node.args;
  const value = 1 + Math.max(0, ...children.map(height));
  HEIGHTS.set(node, value);
  return value;
}

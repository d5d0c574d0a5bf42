/**
 * Splits one schedule value into tokens of the numexpr dialect (Python expression syntax). Matches Python's
 * lexer for what numexpr accepts: decimal literals (`1.`, `.5`, `1e-2`), names, and the operators numexpr
 * knows; anything else is reported here with its position (spec §1.4).
 */
import { syntaxError, type ScheduleSource } from '../source-error.js';

export type Token =
  | { kind: 'number'; offset: number; text: string; value: number; integer: boolean }
  | { kind: 'name'; offset: number; text: string }
  | { kind: 'quoted'; offset: number; text: string }
  | { kind: 'operator'; offset: number; text: Operator }
  | { kind: 'end'; offset: number; text: '' };

const OPERATORS = [
  '**',
  '//',
  '<=',
  '>=',
  '==',
  '!=',
  '<<',
  '>>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '|',
  '~',
  '^',
  '(',
  ')',
  ',',
] as const;
export type Operator = (typeof OPERATORS)[number];

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPACE = /\s+/y;

export function tokenize(text: string, source: ScheduleSource): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < text.length) {
    SPACE.lastIndex = offset;
    if (SPACE.test(text)) {
      offset = SPACE.lastIndex;
      continue;
    }
    const token = readToken(text, offset, source);
    tokens.push(token);
    offset += token.kind === 'quoted' ? token.text.length + 2 : token.text.length;
  }
  tokens.push({ kind: 'end', offset: text.length, text: '' });
  return tokens;
}

function readToken(text: string, offset: number, source: ScheduleSource): Token {
  const char = text.charAt(offset);
  if (/[0-9.]/.test(char)) return readNumber(text, offset, source);
  NAME.lastIndex = offset;
  const name = NAME.exec(text);
  if (name) return { kind: 'name', offset, text: name[0] };
  if (char === "'" || char === '"') {
    const close = text.indexOf(char, offset + 1);
    if (close < 0) {
      throw syntaxError(
        source,
        offset,
        `unclosed quote ${char}`,
        'a closing quote',
        'Numeric schedules take numbers and formulas, not quoted text.',
      );
    }
    return { kind: 'quoted', offset, text: text.slice(offset + 1, close) };
  }
  const operator = OPERATORS.find((op) => text.startsWith(op, offset));
  if (operator) return { kind: 'operator', offset, text: operator };
  throw syntaxError(
    source,
    offset,
    `unexpected character '${char}'`,
    'a number, t, a function or an operator',
    'Schedule formulas use numbers, t, max_frames, + - * / % **, comparisons, & | ~ and functions such as sin(t).',
  );
}

function readNumber(text: string, offset: number, source: ScheduleSource): Token {
  NUMBER.lastIndex = offset;
  const match = NUMBER.exec(text);
  if (!match) {
    throw syntaxError(source, offset, "unexpected '.'", 'a number', "A '.' must belong to a number such as 0.5.");
  }
  const literal = match[0];
  const after = text.charAt(offset + literal.length);
  if (/[A-Za-z_0-9]/.test(after)) {
    throw syntaxError(
      source,
      offset,
      `malformed number '${literal}${after}'`,
      'a number',
      'Write numbers like 2, 0.5 or 1e-3, and put an operator between a number and a name (2*t).',
    );
  }
  const integer = /^\d+$/.test(literal);
  if (integer && /^0+[1-9]/.test(literal)) {
    // Python rejects leading zeros in integer literals, so numexpr does too.
    throw syntaxError(
      source,
      offset,
      `leading zero in '${literal}'`,
      'a number',
      `Write ${String(Number(literal))} instead.`,
    );
  }
  return { kind: 'number', offset, text: literal, value: Number(literal), integer };
}

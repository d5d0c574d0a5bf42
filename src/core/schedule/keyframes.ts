/**
 * Splits a schedule string ("0:(1.0), 30:(0.5)") into keyframes. Matches the meaning of Deforum's
 * parse_key_frames regex (spec §1.1): `frame:(value)` entries, whitespace allowed after ':', duplicates resolved
 * by the last occurrence, keys in any order. Deliberately more tolerant where the original silently misreads or
 * crashes (deviations.md, §24 item 2): whitespace before ',' or ':', whitespace-only separators and leading
 * whitespace inside the parentheses are accepted; a negative key is refused instead of losing its sign; a value
 * ends at its matching ')' rather than at the first ')' followed by a comma.
 */
import { syntaxError, type ScheduleSource } from './source-error.js';

export interface Keyframe {
  readonly frame: number;
  /** The text between the parentheses, without leading whitespace. */
  readonly value: string;
  /** Offset of `value` in the schedule string, for error columns. */
  readonly offset: number;
}

/** Room for a key on every frame of a 10,000-frame render (Parseq exports look like that); a 1 MB string is not a schedule. */
export const MAX_SCHEDULE_LENGTH = 200_000;

const NUMBER_VALUE = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;
const SAMPLE = '0:(1.0), 30:(0.5)';

/**
 * Deforum's check_is_number: such keys are interpolated; anything else (even `1.` or `5 `) is evaluated as a
 * formula on every frame up to the next key.
 */
export function isNumberValue(value: string): boolean {
  return NUMBER_VALUE.test(value);
}

/** Keyframes sorted by frame, one per frame (a later duplicate replaces an earlier one, as in the original dict). */
export function parseKeyframes(text: string, setting: string): Keyframe[] {
  const source: ScheduleSource = { setting, text, offset: 0 };
  if (text.length > MAX_SCHEDULE_LENGTH) {
    throw syntaxError(
      source,
      MAX_SCHEDULE_LENGTH,
      `schedule is ${String(text.length)} characters long`,
      `at most ${String(MAX_SCHEDULE_LENGTH)} characters`,
      'Use fewer keyframes, or a formula of t instead of one key per frame.',
    );
  }
  const byFrame = new Map<number, Keyframe>();
  let position = skipSpace(text, 0);
  if (position === text.length) {
    throw syntaxError(
      source,
      0,
      'the schedule is empty',
      'a keyframe',
      `Write at least one keyframe, e.g. \`${SAMPLE}\`.`,
    );
  }
  for (;;) {
    const keyframe = readKeyframe(text, position, source);
    byFrame.set(keyframe.frame, keyframe);
    position = readSeparator(text, keyframe.end, source);
    if (position === text.length) break;
  }
  return [...byFrame.values()]
    .map(({ frame, value, offset }) => ({ frame, value, offset }))
    .sort((a, b) => a.frame - b.frame);
}

function readKeyframe(text: string, start: number, source: ScheduleSource): Keyframe & { end: number } {
  let position = start;
  if (text[position] === '-' && isDigit(text[position + 1])) {
    throw syntaxError(
      source,
      position,
      'negative frame number',
      'a frame number 0 or above',
      "Frames count from 0; remove the '-'.",
    );
  }
  while (isDigit(text[position])) position++;
  if (position === start) {
    throw syntaxError(
      source,
      start,
      `expected a frame number, found ${describe(text, start)}`,
      'a frame number',
      `Write keyframes as frame:(value), e.g. \`${SAMPLE}\`.`,
    );
  }
  const frame = Number(text.slice(start, position));
  position = skipSpace(text, position);
  if (text[position] !== ':') {
    throw syntaxError(
      source,
      position,
      `expected ':' after frame ${String(frame)}, found ${describe(text, position)}`,
      "':'",
      `Write keyframes as frame:(value), e.g. \`${String(frame)}:(1.0)\`.`,
    );
  }
  const open = skipSpace(text, position + 1);
  if (text[open] !== '(') {
    throw syntaxError(
      source,
      open,
      `expected '(' after '${String(frame)}:', found ${describe(text, open)}`,
      "'('",
      `Put the value in parentheses, e.g. \`${String(frame)}:(1.0)\`.`,
    );
  }
  const close = matchingParenthesis(text, open);
  if (close < 0) {
    throw syntaxError(source, open, "missing ')' for this '('", "')'", "Close the value with ')'.");
  }
  const offset = skipSpace(text, open + 1);
  return { frame, value: text.slice(offset, close), offset, end: close + 1 };
}

/** Returns where the next keyframe starts, or text.length at the end. */
function readSeparator(text: string, start: number, source: ScheduleSource): number {
  const position = skipSpace(text, start);
  if (position === text.length) return position;
  if (text[position] === ',') return skipSpace(text, position + 1);
  if (position > start && (isDigit(text[position]) || text[position] === '-')) return position;
  if (text[position] === ')') {
    throw syntaxError(source, position, "unexpected ')'", "',' or the end", 'Remove the extra parenthesis.');
  }
  throw syntaxError(
    source,
    position,
    `expected ',' after a keyframe, found ${describe(text, position)}`,
    "','",
    `Separate keyframes with commas, e.g. \`${SAMPLE}\`.`,
  );
}

function matchingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let position = open; position < text.length; position++) {
    const char = text[position];
    if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return position;
  }
  return -1;
}

function skipSpace(text: string, start: number): number {
  let position = start;
  while (position < text.length && /\s/.test(text.charAt(position))) position++;
  return position;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function describe(text: string, position: number): string {
  return position >= text.length ? 'the end' : `'${text.charAt(position)}'`;
}

/**
 * Builds the DeforumErrors of schedule parsing and evaluation, so every message has the same shape:
 * "<setting>: <problem> at column <n> in `<schedule>`. <how to fix it>" (style.md B3).
 */
import { DeforumError } from '../errors.js';

/** Where an expression sits: the schedule it came from and the offset of its first character there. */
export interface ScheduleSource {
  readonly setting: string;
  readonly text: string;
  readonly offset: number;
}

const EXCERPT_CHARS = 80;

export function syntaxError(
  source: ScheduleSource,
  offset: number,
  problem: string,
  expected: string,
  fix: string,
): DeforumError {
  const column = source.offset + offset + 1;
  return new DeforumError(
    { code: 'schedule_syntax', setting: source.setting, expression: source.text, column, expected },
    `${source.setting}: ${problem} at column ${column} in ${excerpt(source.text, column)}. ${fix}`,
  );
}

export function evaluationError(source: ScheduleSource, frame: number, reason: string, fix: string): DeforumError {
  return new DeforumError(
    { code: 'schedule_evaluation', setting: source.setting, expression: source.text, frame, reason },
    `${source.setting}: ${reason} at frame ${frame} in ${excerpt(source.text, source.offset + 1)}. ${fix}`,
  );
}

/** Long schedules are shown as a window around the column, so a 100 kB string does not flood a terminal. */
function excerpt(text: string, column: number): string {
  const flat = text.replace(/\s/g, ' ');
  if (flat.length <= EXCERPT_CHARS) return `\`${flat}\``;
  const start = Math.max(0, Math.min(column - 1 - EXCERPT_CHARS / 2, flat.length - EXCERPT_CHARS));
  const window = flat.slice(start, start + EXCERPT_CHARS);
  return `\`${start > 0 ? '…' : ''}${window}${start + EXCERPT_CHARS < flat.length ? '…' : ''}\``;
}

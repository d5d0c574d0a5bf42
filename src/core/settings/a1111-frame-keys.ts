/**
 * The A1111 extension lets frame keys of schedules and prompts be expressions of `max_f` (= max_frames − 1,
 * spec §21.3), e.g. `"max_f-2":(-1)`. Our schedules and prompt tables have whole-number keys, so the importer
 * evaluates each key once with the file's max_frames, using the schedule engine's safe evaluator.
 */
import { expandSchedule } from '../schedule/index.js';

/** The frame a key stands for (truncated like Python's int()), or undefined when it cannot be evaluated. */
export function evaluateFrameKey(key: string, maxFrames: number, setting: string): number | undefined {
  const text = key
    .trim()
    .replace(/^["']|["']$/g, '')
    .trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) return Math.trunc(Number(text));
  try {
    const values = expandSchedule(`0:(${text})`, 1, { setting, variables: { max_f: maxFrames - 1 } });
    const value = values[0];
    return value === undefined || !Number.isFinite(value) ? undefined : Math.trunc(value);
  } catch {
    // An unreadable key stays as written; validation then reports the setting with its text.
    return undefined;
  }
}

/** Replaces the variable `max_f` in a schedule value by its number, so the value no longer needs it. */
export function substituteMaxF(value: string, maxFrames: number): string {
  return value.replace(/\bmax_f\b/g, `(${maxFrames - 1})`);
}

/**
 * Validates a schedule without expanding it: the grammar, every formula's syntax, and that formulas only use
 * names and functions that exist. Needs no frame count, so settings can be checked as soon as they are read.
 */
import { DeforumError } from '../errors.js';
import { compileKeys } from './compile-keys.js';
import { parseKeyframes } from './keyframes.js';
import { checkStringKeys } from './string-schedule.js';

export interface CheckScheduleOptions {
  readonly setting: string;
  readonly kind: 'number' | 'string';
  readonly variables?: Readonly<Record<string, number>>;
}

export type CheckScheduleResult = { ok: true } | { ok: false; error: DeforumError };

export function checkSchedule(text: string, options: CheckScheduleOptions): CheckScheduleResult {
  try {
    const keyframes = parseKeyframes(text, options.setting);
    if (options.kind === 'string') {
      checkStringKeys(keyframes, text, options.setting);
      return { ok: true };
    }
    // The frame count only feeds the max_frames variable, which is never folded, so any value checks the same.
    compileKeys(keyframes, text, options.setting, { maxFrames: 1, variables: options.variables ?? {} });
    return { ok: true };
  } catch (error) {
    if (error instanceof DeforumError) return { ok: false, error };
    throw error;
  }
}

/**
 * The schedule engine's public surface: Deforum keyframe strings expanded to one value per frame, checked
 * without expanding, and printed back. Matches get_inbetweens(parse_key_frames(...)) of the notebook v0.7.1
 * (spec §1) with the fixes listed in docs/deviations.md (§24 items 1 and 2).
 */
import { compileKeys } from './compile-keys.js';
import { interpolateKeys } from './interpolate.js';
import { parseKeyframes } from './keyframes.js';
import { evaluationError } from './source-error.js';
import { checkStringKeys, interpolateStringKeys } from './string-schedule.js';

export { checkSchedule, type CheckScheduleOptions, type CheckScheduleResult } from './check-schedule.js';
export { formatSchedule } from './format-schedule.js';
export { MAX_SCHEDULE_LENGTH, isNumberValue, parseKeyframes, type Keyframe } from './keyframes.js';

export interface ExpandScheduleOptions {
  /** The Deforum setting name, used in error messages. */
  readonly setting: string;
  /** Extra constant names for formulas, e.g. `{ max_f: 99, s: 42 }` for A1111 extension settings. */
  readonly variables?: Readonly<Record<string, number>>;
  /** Truncate toward zero, like the original's `integer=True` (NaN and ±inf stay as they are). */
  readonly integer?: boolean;
}

export interface ScheduleExpansion {
  readonly values: Float64Array;
  /** Frames where a formula gave NaN; like the original, they hold an interpolated value instead. */
  readonly nanFilledFrames: readonly number[];
  /** Frames whose final value is ±inf (or NaN between opposite infinities). */
  readonly nonFiniteFrames: readonly number[];
}

/** One value per frame. Use expandScheduleDetailed to learn which frames a NaN or ±inf touched. */
export function expandSchedule(text: string, frameCount: number, options: ExpandScheduleOptions): Float64Array {
  return expandScheduleDetailed(text, frameCount, options).values;
}

export function expandScheduleDetailed(
  text: string,
  frameCount: number,
  options: ExpandScheduleOptions,
): ScheduleExpansion {
  checkFrameCount(frameCount);
  const keys = compileKeys(parseKeyframes(text, options.setting), text, options.setting, {
    maxFrames: frameCount,
    variables: options.variables ?? {},
  });
  const { values, nanFilledFrames } = interpolateKeys(keys, frameCount);
  if (frameCount > 0 && Number.isNaN(values[0])) {
    // The original crashes here (pandas finds no valid value to start from).
    throw evaluationError(
      { setting: options.setting, text, offset: 0 },
      0,
      'the schedule is NaN on every frame',
      'Check the formulas for sqrt or log of negative numbers.',
    );
  }
  // `+ 0` turns -0 into 0, as numpy's astype(int) has no negative zero.
  if (options.integer) values.forEach((value, frame) => (values[frame] = Math.trunc(value) + 0));
  const nonFiniteFrames: number[] = [];
  values.forEach((value, frame) => {
    if (!Number.isFinite(value)) nonFiniteFrames.push(frame);
  });
  return { values, nanFilledFrames, nonFiniteFrames };
}

/** The sampler_schedule kind: names per frame, `null` where the original leaves a frame empty. */
export function expandStringSchedule(
  text: string,
  frameCount: number,
  options: { readonly setting: string },
): (string | null)[] {
  checkFrameCount(frameCount);
  const keyframes = parseKeyframes(text, options.setting);
  checkStringKeys(keyframes, text, options.setting);
  return interpolateStringKeys(keyframes, frameCount);
}

/** A bad frame count is the caller's bug, not the user's, so it is not a DeforumError. */
function checkFrameCount(frameCount: number): void {
  if (!Number.isSafeInteger(frameCount) || frameCount < 0)
    throw new RangeError(`frame count must be a whole number ≥ 0, got ${String(frameCount)}`);
}

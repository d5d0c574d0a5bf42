/**
 * Expansion for a render: like the original, but a value a render cannot use is an error instead of a silent
 * ±inf (or NaN between infinities) that would blank the frames. The original has no such check; its warp
 * produces black or garbage frames from these values.
 */
import { DeforumError } from '../errors.js';
import { formatFrameRanges } from './frame-ranges.js';
import { expandScheduleDetailed, type ExpandScheduleOptions } from './index.js';

export function expandFiniteSchedule(text: string, frameCount: number, options: ExpandScheduleOptions): Float64Array {
  const { values, nonFiniteFrames } = expandScheduleDetailed(text, frameCount, options);
  if (nonFiniteFrames.length > 0) throw nonFiniteError(options.setting, text, nonFiniteFrames);
  return values;
}

export function nonFiniteError(setting: string, text: string, frames: readonly number[]): DeforumError {
  const where = formatFrameRanges(frames);
  return new DeforumError(
    { code: 'schedule_evaluation', setting, expression: text, frame: frames[0] ?? 0, reason: 'not a finite number' },
    `${setting}: the value is infinite or undefined at frame${frames.length === 1 ? '' : 's'} ${where} of \`${text.slice(0, 80)}\`. ` +
      'Check for a division by t at frame 0 (write t+1) or log of 0.',
  );
}

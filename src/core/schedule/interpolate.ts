/**
 * Turns compiled keyframes into one value per frame. Matches Deforum's get_inbetweens with the Linear method
 * (spec §1.3): a number key sets its own frame; a formula key is evaluated on its frame and every following frame
 * up to the next key; then frame 0 takes the first valid value, the last frame the last valid value, and every
 * remaining NaN (including a formula's own NaN results) is filled by pandas' linear interpolation, which is
 * numpy.interp and is reproduced formula for formula. Keys at or beyond the frame count are ignored.
 */
import type { CompiledKey } from './compile-keys.js';

export interface NumericSeries {
  readonly values: Float64Array;
  /** Frames where a formula gave NaN, which the original silently fills by interpolation. */
  readonly nanFilledFrames: number[];
}

export function interpolateKeys(keys: readonly CompiledKey[], frameCount: number): NumericSeries {
  const values = new Float64Array(frameCount).fill(NaN);
  const nanFilledFrames: number[] = [];
  const inRange = keys.filter((key) => key.frame < frameCount);
  inRange.forEach((key, index) => {
    if (key.kind === 'number') {
      values[key.frame] = key.number;
      return;
    }
    const end = inRange[index + 1]?.frame ?? frameCount;
    const evaluate = key.expression.evaluate;
    for (let frame = key.frame; frame < end; frame++) {
      const value = evaluate(frame);
      if (Number.isNaN(value)) nanFilledFrames.push(frame);
      values[frame] = value;
    }
  });
  const first = keys[0];
  if (inRange.length === 0 && first) values.fill(valueAtOwnFrame(first));
  fillGaps(values);
  return { values, nanFilledFrames };
}

/** With every key beyond the end, the frames before the first key take its value (deviations.md, §24 item 1). */
function valueAtOwnFrame(key: CompiledKey): number {
  return key.kind === 'number' ? key.number : key.expression.evaluate(key.frame);
}

function fillGaps(values: Float64Array): void {
  const last = values.length - 1;
  const firstValid = values.findIndex((value) => !Number.isNaN(value));
  if (firstValid < 0) return;
  values[0] = values[firstValid] ?? NaN;
  values[last] = values[values.findLastIndex((value) => !Number.isNaN(value))] ?? NaN;
  let left = 0;
  for (let right = 1; right <= last; right++) {
    const y1 = values[right] ?? NaN;
    if (Number.isNaN(y1)) continue;
    const y0 = values[left] ?? NaN;
    for (let x = left + 1; x < right; x++) values[x] = interpolateLikeNumpy(x, left, right, y0, y1);
    left = right;
  }
}

/** numpy.interp's kernel, including its retry from the right end when the left form gives NaN (±inf keys). */
function interpolateLikeNumpy(x: number, x0: number, x1: number, y0: number, y1: number): number {
  const slope = (y1 - y0) / (x1 - x0);
  const fromLeft = slope * (x - x0) + y0;
  if (!Number.isNaN(fromLeft)) return fromLeft;
  const fromRight = slope * (x - x1) + y1;
  return Number.isNaN(fromRight) && y0 === y1 ? y0 : fromRight;
}

/**
 * Expands a string-valued schedule (sampler_schedule). Matches get_inbetweens with is_single_string (spec §1.5):
 * quotes are removed and a name holds until the next key; a bare number stays a string on its own frame only and
 * leaves the following frames empty (null), because pandas does not interpolate object series; the last frame
 * takes the last value. Differences (deviations.md, §24 items 1 and 2): frames before the first key take the
 * first key's value, and surrounding whitespace is trimmed from names.
 */
import { isNumberValue, type Keyframe } from './keyframes.js';
import { syntaxError } from './source-error.js';

export function interpolateStringKeys(keyframes: readonly Keyframe[], frameCount: number): (string | null)[] {
  const series = new Array<string | null>(frameCount).fill(null);
  const inRange = keyframes.filter((key) => key.frame < frameCount);
  inRange.forEach((key, index) => {
    if (isNumberValue(key.value)) {
      series[key.frame] = key.value;
      return;
    }
    const end = inRange[index + 1]?.frame ?? frameCount;
    series.fill(unquote(key.value), key.frame, end);
  });
  const first = inRange[0] ?? keyframes[0];
  if (!first) return series;
  series.fill(isNumberValue(first.value) ? first.value : unquote(first.value), 0, inRange[0]?.frame ?? frameCount);
  const lastValue = series.findLast((value) => value !== null);
  if (frameCount > 0 && lastValue !== undefined) series[frameCount - 1] = lastValue;
  return series;
}

function unquote(value: string): string {
  return value.replace(/['"]/g, '').trim();
}

/** An empty name would silently leave the sampler unchanged; say so instead. */
export function checkStringKeys(keyframes: readonly Keyframe[], text: string, setting: string): void {
  const empty = keyframes.find((key) => unquote(key.value) === '');
  if (empty) {
    throw syntaxError(
      { setting, text, offset: empty.offset },
      0,
      `frame ${String(empty.frame)} has no value`,
      'a name',
      "Write a name between the parentheses, e.g. 0:('euler').",
    );
  }
}

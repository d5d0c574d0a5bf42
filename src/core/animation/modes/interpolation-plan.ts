/**
 * Which conditioning each frame of Interpolation mode gets (spec §13): frame n blends the embeddings of key prompt
 * `from` towards key prompt `to` by `weight`, the last frame is the last prompt alone.
 * - `interpolate_key_frames` off: x = `interpolate_x_frames` in-betweens per pair, weights j/(x+1) for
 *   j = 0 … x, so (P − 1)(x + 1) + 1 frames for P prompts;
 * - on: the prompts' frame numbers space the frames, weights j/dist for j = 0 … dist − 1 with dist = key_{k+1} − key_k
 *   (> 0, else an error). Kept (item 52, B): the original's "slerp" reduces to this linear blend.
 *   Fixed (item 52, F, docs/deviations.md): every pair is rendered, not only the last, and one prompt gives one
 *   frame instead of a crash.
 * Prompts are taken in the order given, as the original iterates the dict.
 */
import { DeforumError } from '../../errors.js';

export interface InterpolationKey {
  /** The prompt's frame number (its key). */
  frame: number;
}

export interface InterpolationFrame {
  /** Index of the key prompt the frame starts from. */
  from: number;
  /** Index of the key prompt blended in, or null for a key prompt alone. */
  to: number | null;
  /** Weight of `to`, 0 ≤ weight < 1; 0 when `to` is null. */
  weight: number;
}

export interface InterpolationOptions {
  /** `interpolate_key_frames`. */
  keyFrames: boolean;
  /** `interpolate_x_frames`. */
  xFrames: number;
}

export function planInterpolation(
  keys: readonly InterpolationKey[],
  options: InterpolationOptions,
): InterpolationFrame[] {
  const frames: InterpolationFrame[] = [];
  for (let k = 0; k + 1 < keys.length; k++) {
    const steps = options.keyFrames ? keySpacing(keys, k) : options.xFrames + 1;
    for (let j = 0; j < steps; j++) frames.push({ from: k, to: k + 1, weight: j / steps });
  }
  if (keys.length > 0) frames.push({ from: keys.length - 1, to: null, weight: 0 });
  return frames;
}

function keySpacing(keys: readonly InterpolationKey[], k: number): number {
  const from = keys[k]?.frame ?? 0;
  const to = keys[k + 1]?.frame ?? 0;
  if (to > from) return to - from;
  throw new DeforumError(
    {
      code: 'settings_invalid',
      issues: [{ setting: 'prompts', message: `key ${to} does not come after key ${from}`, given: String(to) }],
    },
    `interpolate_key_frames spaces frames by the prompts' keys, but key ${to} follows key ${from}. ` +
      'List the prompts with increasing frame numbers, or turn interpolate_key_frames off.',
  );
}

/**
 * `grad_inject_timing` (spec §18; Deforum `make_inject_timing_fn`): which model calls are conditioning steps.
 * A call is one when its σ exactly equals a selected σ; `null` selects every call.
 * - an integer n: every n-th step (1-based step number divisible by n);
 * - a list of fractions in [0, 1]: 0-based step indices int(f·n), 1.0 → the last step;
 * - a list of whole step numbers ≥ 1: those 1-based steps.
 * Deliberate difference (spec §24 item 43, F): the steps are counted over the steps the frame executes (the
 * truncated img2img sigmas), not over the full `steps` schedule, so the default 1…9 guides the first nine
 * executed steps of every frame instead of never acting after frame 0 at strength ≳ 0.18. A frame of
 * text-to-image executes the full schedule and is unchanged.
 * JSON has one number type, so a list whose entries are all whole numbers ≥ 1 is read as step numbers, and any
 * other list in [0, 1] as fractions (the original tells `[1.0]` from `[1]` by Python type).
 */
export type InjectTiming = number | readonly number[] | null;

/** Why `timing` is invalid for a render of `steps` steps (the original raises), or null when it is valid. */
export function injectTimingProblem(timing: InjectTiming, steps: number): string | null {
  if (timing === null) return null;
  if (typeof timing === 'number') {
    return Number.isInteger(timing) && timing >= 1 && timing <= steps ? null : `an integer must lie in 1…${steps}`;
  }
  if (timing.length === 0) return null;
  if (isStepList(timing)) {
    return timing.every((t) => t <= steps) ? null : `step numbers must lie in 1…${steps}`;
  }
  return timing.every((t) => t >= 0 && t <= 1)
    ? null
    : `a list holds either whole step numbers 1…${steps} or fractions 0…1, not a mix`;
}

function isStepList(timing: readonly number[]): boolean {
  return timing.every((t) => Number.isInteger(t) && t >= 1);
}

/** The predicate over σ for a frame that executes `sigmas` (its truncated list; the last entry is the end). */
export function injectTimingFn(timing: InjectTiming, sigmas: Float32Array): (sigma: number) => boolean {
  if (timing === null) return () => true;
  const executed = sigmas.subarray(0, Math.max(0, sigmas.length - 1));
  const n = executed.length;
  let indices: number[];
  if (typeof timing === 'number') indices = [...executed.keys()].filter((i) => (i + 1) % timing === 0);
  else if (isStepList(timing)) indices = timing.map((t) => t - 1);
  else indices = timing.map((f) => (f < 1 ? Math.trunc(f * n) : n - 1));
  const selected = new Set(indices.filter((i) => i >= 0 && i < n).map((i) => executed[i] ?? Number.NaN));
  return (sigma) => selected.has(Math.fround(sigma));
}

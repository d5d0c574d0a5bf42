/**
 * The clamp of the total guidance gradient (Deforum `threshold_by`, spec §18 `grad_threshold_type`), from the
 * float64 gradient to the float32 step:
 * - dynamic: s = max(1, max over samples of the τ-th percentile of |g|), g = clamp(g, −s, s)/s. τ is read as a
 *   percentile 0–100, so the default 0.2 gives s = 1, a plain clamp to [−1, 1] (spec §24 item 44, B). The same
 *   maths as the latent's dynamic threshold, so `applyThresholds` does it;
 * - static: clamp to [−τ, τ];
 * - mean: per sample RMS r; where r > τ, g ← g·τ/r;
 * - schedule: c(σ) from `clamp_start` at the first σ of the full `steps` schedule to `clamp_stop` at σ = 0
 *   (numpy linspace over the steps + 1 sigmas, looked up by exact σ); r = RMS of the whole gradient;
 *   g ← g·min(r, c)/r.
 * Deliberate differences (F, docs/deviations.md): a σ that is not on the schedule (a second-order sampler's
 * extra evaluation with `grad_inject_timing = null`) interpolates c linearly in σ where the original raises
 * KeyError; an all-zero gradient stays zero under `schedule` where the original divides 0 by 0 and writes NaN
 * into the latent.
 */
import { applyThresholds } from '../threshold.js';

export type GradThresholdType = 'dynamic' | 'static' | 'mean' | 'schedule';

export interface GradThresholdSettings {
  grad_threshold_type: GradThresholdType;
  clamp_grad_threshold: number;
  clamp_start: number;
  clamp_stop: number;
}

/**
 * Writes the clamped gradient, as the float32 step the latent takes, into `step`: `gradient` with NaN → 0 (±∞
 * kept, spec §18.1), then clamped. Conversion and clamp share a pass where the type allows.
 */
export type GradientClamp = (
  gradient: Float64Array,
  step: Float32Array,
  shape: readonly number[],
  sigma: number,
) => void;

/** `fullSigmas`: the `steps + 1` sigmas of the untruncated schedule, noisiest first, ending at 0. */
export function gradientClamp(settings: GradThresholdSettings, fullSigmas: Float32Array): GradientClamp {
  const tau = settings.clamp_grad_threshold;
  switch (settings.grad_threshold_type) {
    case 'dynamic':
      return (gradient, step, shape) => {
        if (clampedToOne(gradient, step, shape[0] ?? 1, tau)) return;
        toFloat32WithoutNaN(gradient, step);
        applyThresholds({ shape, data: step }, { dynamic_threshold: tau, static_threshold: null });
      };
    case 'static':
      return (gradient, step, shape) => {
        toFloat32WithoutNaN(gradient, step);
        applyThresholds({ shape, data: step }, { dynamic_threshold: null, static_threshold: tau });
      };
    case 'mean':
      return (gradient, step, shape) => {
        toFloat32WithoutNaN(gradient, step);
        const batch = shape[0] ?? 1;
        const per = step.length / batch;
        for (let b = 0; b < batch; b++) {
          const sample = step.subarray(b * per, (b + 1) * per);
          const rms = Math.sqrt(sumOfSquares(sample) / per);
          if (rms > tau) for (let i = 0; i < sample.length; i++) sample[i] = (sample[i] ?? 0) * (tau / rms);
        }
      };
    case 'schedule': {
      const limitAt = clampSchedule(settings, fullSigmas);
      return (gradient, step, _shape, sigma) => {
        toFloat32WithoutNaN(gradient, step);
        const rms = Math.sqrt(sumOfSquares(step) / step.length);
        if (!(rms > 0)) return;
        const factor = Math.min(rms, limitAt(sigma)) / rms;
        for (let i = 0; i < step.length; i++) step[i] = (step[i] ?? 0) * factor;
      };
    }
  }
}

function toFloat32WithoutNaN(gradient: Float64Array, step: Float32Array): void {
  for (let i = 0; i < step.length; i++) {
    const v = gradient[i] as number;
    step[i] = v === v ? v : 0;
  }
}

/**
 * The dynamic clamp when every sample's τ-th percentile of |g| is ≤ 1, so s = 1 and it is a plain clamp to
 * [−1, 1]: step ← clamp(g, −1, 1) (NaN → 0) while counting the magnitudes above 1; true when fewer than
 * n − ⌈rank⌉ of a sample's exceed 1. Otherwise false, `step` to be rewritten. One O(n) pass; the sort it saves
 * cost ~2 ms per step at 512² (bench/guidance.bench.ts). The default τ = 0.2 almost always takes this path.
 * Math.min/max rather than comparisons: no branch to mispredict on gradients around ±1.
 */
function clampedToOne(gradient: Float64Array, step: Float32Array, batch: number, tau: number): boolean {
  const per = step.length / batch;
  const needed = per - Math.ceil((tau / 100) * (per - 1));
  for (let b = 0; b < batch; b++) {
    let above = 0;
    for (let i = b * per; i < (b + 1) * per; i++) {
      const raw = gradient[i] as number;
      const v = raw === raw ? raw : 0;
      if (!(Math.abs(v) <= 1)) above++;
      step[i] = Math.min(1, Math.max(-1, v));
    }
    if (above >= needed) return false;
  }
  return true;
}

function sumOfSquares(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] as number) ** 2;
  return sum;
}

/** c(σ): exact on the schedule's sigmas, linear in σ between them, constant beyond its ends. */
export function clampSchedule(settings: GradThresholdSettings, fullSigmas: Float32Array): (sigma: number) => number {
  const n = fullSigmas.length;
  const value = (i: number): number =>
    n === 1
      ? settings.clamp_start
      : settings.clamp_start + ((settings.clamp_stop - settings.clamp_start) * i) / (n - 1);
  return (sigma) => {
    const s = Math.fround(sigma);
    for (let i = 0; i < n; i++) {
      const here = fullSigmas[i] ?? 0;
      if (here === s) return value(i);
      if (here < s) {
        if (i === 0) return value(0);
        const above = fullSigmas[i - 1] ?? here;
        return value(i - 1) + ((value(i) - value(i - 1)) * (above - s)) / (above - here);
      }
    }
    return value(n - 1);
  };
}

/**
 * The clamp of the total guidance gradient (Deforum `threshold_by`, spec §18 `grad_threshold_type`), in place:
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

export type GradientClamp = (gradient: Float32Array, shape: readonly number[], sigma: number) => void;

/** `fullSigmas`: the `steps + 1` sigmas of the untruncated schedule, noisiest first, ending at 0. */
export function gradientClamp(settings: GradThresholdSettings, fullSigmas: Float32Array): GradientClamp {
  const tau = settings.clamp_grad_threshold;
  switch (settings.grad_threshold_type) {
    case 'dynamic':
      return (gradient, shape) => {
        if (percentileAtMostOne(gradient, shape[0] ?? 1, tau)) clampInPlace(gradient, 1);
        else applyThresholds({ shape, data: gradient }, { dynamic_threshold: tau, static_threshold: null });
      };
    case 'static':
      return (gradient, shape) =>
        applyThresholds({ shape, data: gradient }, { dynamic_threshold: null, static_threshold: tau });
    case 'mean':
      return (gradient, shape) => {
        const batch = shape[0] ?? 1;
        const per = gradient.length / batch;
        for (let b = 0; b < batch; b++) {
          const sample = gradient.subarray(b * per, (b + 1) * per);
          const rms = Math.sqrt(sumOfSquares(sample) / per);
          if (rms > tau) for (let i = 0; i < sample.length; i++) sample[i] = (sample[i] ?? 0) * (tau / rms);
        }
      };
    case 'schedule': {
      const limitAt = clampSchedule(settings, fullSigmas);
      return (gradient, _shape, sigma) => {
        const rms = Math.sqrt(sumOfSquares(gradient) / gradient.length);
        if (!(rms > 0)) return;
        const factor = Math.min(rms, limitAt(sigma)) / rms;
        for (let i = 0; i < gradient.length; i++) gradient[i] = (gradient[i] ?? 0) * factor;
      };
    }
  }
}

/**
 * Whether every sample's τ-th percentile of |g| is ≤ 1, so s = 1 and the dynamic clamp is a plain clamp to
 * [−1, 1]: true when fewer than n − ⌈rank⌉ magnitudes exceed 1. Counting is O(n); the sort it saves cost ~2 ms
 * per step at 512² (bench/guidance.bench.ts). The default τ = 0.2 almost always takes this path.
 */
function percentileAtMostOne(gradient: Float32Array, batch: number, tau: number): boolean {
  const per = gradient.length / batch;
  const needed = per - Math.ceil((tau / 100) * (per - 1));
  for (let b = 0; b < batch; b++) {
    let above = 0;
    for (let i = b * per; i < (b + 1) * per; i++) if (!(Math.abs(gradient[i] as number) <= 1)) above++;
    if (above >= needed) return false;
  }
  return true;
}

function clampInPlace(values: Float32Array, limit: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    values[i] = v > limit ? limit : v < -limit ? -limit : v;
  }
}

function sumOfSquares(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
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

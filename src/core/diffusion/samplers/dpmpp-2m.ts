/**
 * DPM-Solver++(2M): a second-order multistep solver in λ = −log σ that reuses the previous step's denoised
 * prediction; the first step and the step to σ = 0 are first order. Reference: k-diffusion `sample_dpmpp_2m`.
 */
import type { Sampler } from './sampler.js';
import { combine } from './math.js';
import { kStepLoop } from './step-loop.js';

export const dpmpp2m: Sampler = (start, sigmas, ctx) => {
  let previous: Float32Array | null = null;
  return kStepLoop(start, sigmas, ctx, ({ i, sigma, next, x, denoised, report }) => {
    report();
    // λ = −log σ; σ = 0 gives h = ∞, where the update reduces to x = denoised.
    const h = Math.log(sigma) - Math.log(next);
    let target = denoised.data;
    if (previous !== null && next !== 0) {
      const r = (Math.log(sigmas[i - 1] ?? 0) - Math.log(sigma)) / h;
      target = combine(denoised.data, 1 + 1 / (2 * r), previous, -1 / (2 * r));
    }
    x.data.set(combine(x.data, next / sigma, target, -Math.expm1(-h)));
    previous = denoised.data;
  });
};

/**
 * Heun's second-order steps (Karras et al. 2022, Algorithm 2) without churn; the last step, to σ = 0, is an
 * Euler step. Reference: k-diffusion `sample_heun`, including its one unused churn draw per step.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, combine, latentLike, toDerivative } from './math.js';
import { churnStepLoop } from './step-loop.js';

export const heun: Sampler = (start, sigmas, ctx) =>
  churnStepLoop(start, sigmas, ctx, async ({ sigma, next, x, d }) => {
    const dt = next - sigma;
    if (next === 0) {
      addScaledInPlace(x.data, d, dt);
      return;
    }
    const x2 = latentLike(x, combine(x.data, 1, d, dt));
    const d2 = toDerivative(x2, await ctx.denoise(x2, next), next);
    addScaledInPlace(x.data, d, dt / 2, d2, dt / 2);
  });

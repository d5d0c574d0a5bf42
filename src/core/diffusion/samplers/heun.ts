/**
 * Heun's second-order steps (Karras et al. 2022, Algorithm 2) without churn; the last step, to σ = 0, is an
 * Euler step. Reference: k-diffusion `sample_heun`, including its one unused churn draw per step.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, cloneLatent, combine, latentLike, toDerivative } from './math.js';

export const heun: Sampler = async (start, sigmas, ctx) => {
  const x = cloneLatent(start);
  const total = sigmas.length - 1;
  for (let i = 0; i < total; i++) {
    ctx.signal?.throwIfAborted();
    const sigma = sigmas[i] ?? 0;
    const next = sigmas[i + 1] ?? 0;
    ctx.rng.randn(x.shape);
    const denoised = await ctx.denoise(x, sigma);
    const d = toDerivative(x, denoised, sigma);
    ctx.onStep?.({ step: i, total, sigma, x, denoised });
    const dt = next - sigma;
    if (next === 0) {
      addScaledInPlace(x.data, d, dt);
      continue;
    }
    const x2 = latentLike(x, combine(x.data, 1, d, dt));
    const d2 = toDerivative(x2, await ctx.denoise(x2, next), next);
    addScaledInPlace(x.data, d, dt / 2, d2, dt / 2);
  }
  return x;
};

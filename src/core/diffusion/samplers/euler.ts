/**
 * Euler steps on the Karras ODE. Reference: k-diffusion `sample_euler` with s_churn = 0, as Deforum calls it.
 * Like the reference, each step draws one normal (the churn noise) that churn 0 never uses, so the random
 * stream stays in step with the original's.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, cloneLatent, toDerivative } from './math.js';

export const euler: Sampler = async (start, sigmas, ctx) => {
  const x = cloneLatent(start);
  const total = sigmas.length - 1;
  for (let i = 0; i < total; i++) {
    ctx.signal?.throwIfAborted();
    const sigma = sigmas[i] ?? 0;
    ctx.rng.randn(x.shape);
    const denoised = await ctx.denoise(x, sigma);
    const d = toDerivative(x, denoised, sigma);
    ctx.onStep?.({ step: i, total, sigma, x, denoised });
    addScaledInPlace(x.data, d, (sigmas[i + 1] ?? 0) - sigma);
  }
  return x;
};

/**
 * Ancestral Euler steps (eta 1, s_noise 1). Reference: k-diffusion `sample_euler_ancestral`; one normal is drawn
 * after every step whose next σ is above 0.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, ancestralStep, cloneLatent, toDerivative } from './math.js';

export const eulerAncestral: Sampler = async (start, sigmas, ctx) => {
  const x = cloneLatent(start);
  const total = sigmas.length - 1;
  for (let i = 0; i < total; i++) {
    ctx.signal?.throwIfAborted();
    const sigma = sigmas[i] ?? 0;
    const next = sigmas[i + 1] ?? 0;
    const denoised = await ctx.denoise(x, sigma);
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
    ctx.onStep?.({ step: i, total, sigma, x, denoised });
    const d = toDerivative(x, denoised, sigma);
    if (next > 0) addScaledInPlace(x.data, d, sigmaDown - sigma, ctx.rng.randn(x.shape), sigmaUp);
    else addScaledInPlace(x.data, d, sigmaDown - sigma);
  }
  return x;
};

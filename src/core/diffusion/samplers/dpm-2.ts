/**
 * DPM-Solver-2 style steps: an Euler half-step to the midpoint in log σ, then the full step with the midpoint's
 * derivative; the last step, to σ = 0, is an Euler step. Reference: k-diffusion `sample_dpm_2` without churn,
 * including its one unused churn draw per step.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, cloneLatent, combine, latentLike, toDerivative } from './math.js';

export const dpm2: Sampler = async (start, sigmas, ctx) => {
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
    if (next === 0) {
      addScaledInPlace(x.data, d, next - sigma);
      continue;
    }
    const sigmaMid = Math.exp((Math.log(sigma) + Math.log(next)) / 2);
    const x2 = latentLike(x, combine(x.data, 1, d, sigmaMid - sigma));
    const d2 = toDerivative(x2, await ctx.denoise(x2, sigmaMid), sigmaMid);
    addScaledInPlace(x.data, d2, next - sigma);
  }
  return x;
};

/**
 * Ancestral DPM-Solver-2 steps (eta 1): the dpm2 step down to σ_down, then fresh noise of σ_up. Reference:
 * k-diffusion `sample_dpm_2_ancestral`; noise is drawn only on steps that do not end at σ_down = 0.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, ancestralStep, cloneLatent, combine, latentLike, toDerivative } from './math.js';

export const dpm2Ancestral: Sampler = async (start, sigmas, ctx) => {
  const x = cloneLatent(start);
  const total = sigmas.length - 1;
  for (let i = 0; i < total; i++) {
    ctx.signal?.throwIfAborted();
    const sigma = sigmas[i] ?? 0;
    const denoised = await ctx.denoise(x, sigma);
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmas[i + 1] ?? 0);
    ctx.onStep?.({ step: i, total, sigma, x, denoised });
    const d = toDerivative(x, denoised, sigma);
    if (sigmaDown === 0) {
      addScaledInPlace(x.data, d, sigmaDown - sigma);
      continue;
    }
    const sigmaMid = Math.exp((Math.log(sigma) + Math.log(sigmaDown)) / 2);
    const x2 = latentLike(x, combine(x.data, 1, d, sigmaMid - sigma));
    const d2 = toDerivative(x2, await ctx.denoise(x2, sigmaMid), sigmaMid);
    addScaledInPlace(x.data, d2, sigmaDown - sigma, ctx.rng.randn(x.shape), sigmaUp);
  }
  return x;
};

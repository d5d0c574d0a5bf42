/**
 * DPM-Solver-2 style steps: an Euler half-step to the midpoint in log σ, then the full step with the midpoint's
 * derivative; the last step, to σ = 0, is an Euler step. Reference: k-diffusion `sample_dpm_2` without churn,
 * including its one unused churn draw per step.
 */
import type { Latent } from '../tensor.js';
import type { Denoise, Sampler } from './sampler.js';
import { addScaledInPlace, combine, latentLike, toDerivative } from './math.js';
import { churnStepLoop } from './step-loop.js';

/** The derivative at the midpoint in log σ between σ and σ_to, reached by an Euler step with `d`. */
export async function midpointDerivative(
  denoise: Denoise,
  x: Latent,
  d: Float32Array,
  sigma: number,
  sigmaTo: number,
): Promise<Float32Array> {
  const sigmaMid = Math.exp((Math.log(sigma) + Math.log(sigmaTo)) / 2);
  const x2 = latentLike(x, combine(x.data, 1, d, sigmaMid - sigma));
  return toDerivative(x2, await denoise(x2, sigmaMid), sigmaMid);
}

export const dpm2: Sampler = (start, sigmas, ctx) =>
  churnStepLoop(start, sigmas, ctx, async ({ sigma, next, x, d }) => {
    if (next === 0) addScaledInPlace(x.data, d, next - sigma);
    else addScaledInPlace(x.data, await midpointDerivative(ctx.denoise, x, d, sigma, next), next - sigma);
  });

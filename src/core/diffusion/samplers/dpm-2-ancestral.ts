/**
 * Ancestral DPM-Solver-2 steps (eta 1): the dpm2 step down to σ_down, then fresh noise of σ_up. Reference:
 * k-diffusion `sample_dpm_2_ancestral`; noise is drawn only on steps that do not end at σ_down = 0 (by the loop,
 * while the first model call runs: nothing else draws before the reference's draw).
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, ancestralStep, derivativeStepInPlace, toDerivative } from './math.js';
import { midpointDerivative } from './dpm-2.js';
import { kStepLoop } from './step-loop.js';

export const dpm2Ancestral: Sampler = (start, sigmas, ctx) =>
  kStepLoop(
    start,
    sigmas,
    ctx,
    async ({ sigma, next, x, denoised, report, noise }) => {
      const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
      report();
      if (noise === undefined) {
        derivativeStepInPlace(x.data, denoised.data, sigma, sigmaDown - sigma);
        return;
      }
      const d = toDerivative(x, denoised, sigma);
      const d2 = await midpointDerivative(ctx.denoise, x, d, sigma, sigmaDown);
      addScaledInPlace(x.data, d2, sigmaDown - sigma, noise, sigmaUp);
    },
    (sigma, next) => ancestralStep(sigma, next).sigmaDown !== 0,
  );

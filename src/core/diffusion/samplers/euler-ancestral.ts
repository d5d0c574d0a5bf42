/**
 * Ancestral Euler steps (eta 1, s_noise 1). Reference: k-diffusion `sample_euler_ancestral`; one normal is drawn
 * after every step whose next σ is above 0 (by the loop, while the model runs).
 */
import type { Sampler } from './sampler.js';
import { ancestralStep, derivativeStepInPlace } from './math.js';
import { kStepLoop } from './step-loop.js';

export const eulerAncestral: Sampler = (start, sigmas, ctx) =>
  kStepLoop(
    start,
    sigmas,
    ctx,
    ({ sigma, next, x, denoised, report, noise }) => {
      const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
      report();
      // d = to_d(x, denoised, σ) is taken inside the update, after the callback, as the reference takes it.
      derivativeStepInPlace(x.data, denoised.data, sigma, sigmaDown - sigma, noise, sigmaUp);
    },
    (_sigma, next) => next > 0,
  );

/**
 * Ancestral Euler steps (eta 1, s_noise 1). Reference: k-diffusion `sample_euler_ancestral`; one normal is drawn
 * after every step whose next σ is above 0.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, ancestralStep, toDerivative } from './math.js';
import { kStepLoop } from './step-loop.js';

export const eulerAncestral: Sampler = (start, sigmas, ctx) =>
  kStepLoop(start, sigmas, ctx, ({ sigma, next, x, denoised, report }) => {
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
    report();
    const d = toDerivative(x, denoised, sigma);
    if (next > 0) addScaledInPlace(x.data, d, sigmaDown - sigma, ctx.rng.randn(x.shape), sigmaUp);
    else addScaledInPlace(x.data, d, sigmaDown - sigma);
  });

/**
 * DPM-Solver++(2S) ancestral (eta 1): a second-order single-step solver in λ = −log σ down to σ_down, then fresh
 * noise of σ_up. Reference: k-diffusion `sample_dpmpp_2s_ancestral` (Deforum's `dpmpp_2s_a`); the noise is drawn
 * by the loop while the first model call runs (nothing else draws before the reference's draw).
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace, ancestralStep, combine, latentLike, toDerivative } from './math.js';
import { kStepLoop } from './step-loop.js';

export const dpmpp2sAncestral: Sampler = (start, sigmas, ctx) =>
  kStepLoop(
    start,
    sigmas,
    ctx,
    async ({ sigma, next, x, denoised, report, noise }) => {
      const { sigmaDown, sigmaUp } = ancestralStep(sigma, next);
      report();
      if (sigmaDown === 0) {
        addScaledInPlace(x.data, toDerivative(x, denoised, sigma), sigmaDown - sigma);
      } else {
        const h = Math.log(sigma) - Math.log(sigmaDown);
        const sigmaMid = Math.exp(-(-Math.log(sigma) + h / 2));
        const x2 = latentLike(x, combine(x.data, sigmaMid / sigma, denoised.data, -Math.expm1(-h / 2)));
        const denoised2 = await ctx.denoise(x2, sigmaMid);
        x.data.set(combine(x.data, sigmaDown / sigma, denoised2.data, -Math.expm1(-h)));
      }
      if (noise !== undefined) addScaledInPlace(x.data, noise, sigmaUp);
    },
    (_sigma, next) => next > 0,
  );

/**
 * CompVis DDIM in eps space over the uniform timesteps of `ddimSchedule` (eta from the schedule). Reference: ldm
 * `DDIMSampler.ddim_sampling` / `decode` as Deforum calls them: txt2img runs every entry, img2img runs the first
 * t_enc entries (`truncateDdimSchedule`) from `ddimStochasticEncode(init, noise, schedule, t_enc)`; the original
 * noises to entry t_enc but starts denoising at entry t_enc − 1 (kept, spec §6).
 * onStep comes after each update with x_prev and pred_x0 (ldm's img_callback). Unlike the original, it is also
 * called for img2img, whose `decode` takes no callback; a caller that applies Deforum's thresholds must skip
 * them there to match the original.
 */
import type { DdimSchedule } from '../noise-schedule.js';
import type { Latent } from '../tensor.js';
import type { CompVisSampler } from './sampler.js';
import { latentLike } from './math.js';
import { compVisStepLoop } from './step-loop.js';

export const ddim: CompVisSampler = (start, schedule, ctx) => compVisStepLoop(start, schedule, ctx, ({ e }) => e);

/** ldm `stochastic_encode`: the init noised to entry `index`, sqrt(ᾱ)·x0 + sqrt(1 − ᾱ)·noise. */
export function ddimStochasticEncode(init: Latent, noise: Float32Array, schedule: DdimSchedule, index: number): Latent {
  const a = Math.fround(schedule.alphas[index] ?? Number.NaN);
  const sqrtA = Math.fround(Math.sqrt(a));
  const sqrtOneMinusA = Math.fround(Math.sqrt(1 - a));
  const out = new Float32Array(init.data.length);
  for (let i = 0; i < out.length; i++) out[i] = sqrtA * (init.data[i] ?? 0) + sqrtOneMinusA * (noise[i] ?? 0);
  return latentLike(init, out);
}

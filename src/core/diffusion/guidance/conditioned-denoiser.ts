/**
 * The denoiser with conditional guidance (Deforum `CFGDenoiserWithGrad.forward`, spec §18.1): on conditioning
 * steps the hook conditions the CFG-combined prediction (`cond_uncond_sync`), or the uncond and/or cond
 * prediction of separate model calls (`gradient_add_to`) before they are combined as u + (c − u)·scale. Each
 * conditioning updates the sampler's latent in place, so with `both` the cond call already sees the latent the
 * uncond conditioning moved, as in the original. Other steps are the plain guided denoiser. Every k-diffusion
 * sampler gets guidance through the `Denoise` it is given; none of them changes.
 */
import type { DiscreteSchedule } from '../noise-schedule.js';
import { guidedDenoiser, type GuidanceOptions } from '../denoiser.js';
import type { Denoise } from '../samplers/sampler.js';
import type { Latent } from '../tensor.js';
import type { ConditioningHook } from './conditioning-hook.js';

export function conditionedDenoiser(
  schedule: DiscreteSchedule,
  options: GuidanceOptions,
  hook: ConditioningHook,
): Denoise {
  const plain = guidedDenoiser(schedule, options);
  // scale 1 makes one conditional call (spec §24 item 39, F), so there is only the combined prediction.
  if (hook.target === 'combined' || options.scale === 1) {
    return async (x, sigma) => {
      const denoised = await plain(x, sigma);
      return hook.appliesAt(sigma) ? hook.condition(x, sigma, denoised, () => plain(x, sigma)) : denoised;
    };
  }
  const branch = (context: Latent): Denoise =>
    guidedDenoiser(schedule, { ...options, cond: context, uncond: context, scale: 1, batchCondUncond: false });
  const uncondOnly = branch(options.uncond);
  const condOnly = branch(options.cond);
  const conditioned = async (denoise: Denoise, x: Latent, sigma: number): Promise<Latent> =>
    hook.condition(x, sigma, await denoise(x, sigma), () => denoise(x, sigma));
  return async (x, sigma) => {
    if (!hook.appliesAt(sigma)) return plain(x, sigma);
    const uncond = hook.target === 'cond' ? await uncondOnly(x, sigma) : await conditioned(uncondOnly, x, sigma);
    const cond = hook.target === 'uncond' ? await condOnly(x, sigma) : await conditioned(condOnly, x, sigma);
    const data = new Float32Array(cond.data.length);
    for (let i = 0; i < data.length; i++) {
      const u = uncond.data[i] ?? 0;
      data[i] = u + ((cond.data[i] ?? 0) - u) * options.scale;
    }
    return { shape: x.shape, data };
  };
}

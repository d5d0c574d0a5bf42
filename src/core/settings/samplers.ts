/**
 * The sampler names a settings file may hold, read from the sampler registry so the setting, the registry and the
 * docs cannot drift (style.md B4). Order is the notebook's (spec §17).
 */
import { SAMPLERS, type KDiffusionSamplerName, type SamplerName } from '../diffusion/samplers/index.js';

export type { KDiffusionSamplerName, SamplerName };

export const SAMPLER_NAMES = Object.keys(SAMPLERS) as [SamplerName, ...SamplerName[]];

/** The k-diffusion samplers: the only ones `sampler_schedule` may switch to (render_animation's `available_samplers`). */
export const K_DIFFUSION_SAMPLERS = SAMPLER_NAMES.filter(
  (name): name is KDiffusionSamplerName => SAMPLERS[name].kind === 'k-diffusion',
);

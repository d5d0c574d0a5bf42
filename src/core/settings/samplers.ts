/**
 * The sampler names a Deforum settings file may hold (`sampler`), in the notebook v0.7.1 order (spec §17).
 * One list in one place: the sampler registry replaces this constant once it exists, so the setting, the
 * registry and the docs cannot drift (style.md B4).
 */

/** The k-diffusion samplers: the only ones `sampler_schedule` may switch to (render_animation's `available_samplers`). */
export const K_DIFFUSION_SAMPLERS = [
  'klms',
  'dpm2',
  'dpm2_ancestral',
  'heun',
  'euler',
  'euler_ancestral',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_a',
  'dpmpp_2m',
] as const;

export const SAMPLER_NAMES = [...K_DIFFUSION_SAMPLERS, 'plms', 'ddim'] as const;

export type SamplerName = (typeof SAMPLER_NAMES)[number];
export type KDiffusionSamplerName = (typeof K_DIFFUSION_SAMPLERS)[number];

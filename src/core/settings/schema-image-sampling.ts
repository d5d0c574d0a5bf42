/**
 * Image, sampling, save & display and speed-vs-VRAM settings (spec §17 and §19). `W`/`H` are kept as given:
 * the notebook rounds them down to a multiple of 64 only in its form cell, never for a loaded file (§17.3), so
 * the rounding belongs to the renderer and the checker only warns.
 */
import { z } from 'zod';
import { SAMPLER_NAMES } from './samplers.js';
import { choiceField, flagField, integerField, numberField, textField } from './field-types.js';

/** The largest seed a generator accepts; −1 asks for a random one at startup (spec §0 step 5). */
export const MAX_SEED = 2 ** 32 - 1;

export const imageSamplingShape = {
  W: integerField(64),
  H: integerField(64),
  bit_depth_output: z.literal([8, 16, 32]).describe('8, 16 or 32'),
  seed: integerField(-1, MAX_SEED).describe(`−1 (random) or an integer from 0 to ${MAX_SEED}`),
  sampler: choiceField(SAMPLER_NAMES),
  steps: integerField(1),
  scale: numberField(),
  ddim_eta: numberField({ min: 0 }),
  dynamic_threshold: z.number().min(0).max(100).nullable().describe('null (off) or a percentile from 0 to 100'),
  static_threshold: z.number().gt(0).nullable().describe('null (off) or a number > 0'),
  save_samples: flagField(),
  save_settings: flagField(),
  display_samples: flagField(),
  save_sample_per_step: flagField(),
  show_sample_per_step: flagField(),
  cond_uncond_sync: flagField(),
  precision: textField(),
  C: integerField(1),
  f: integerField(1),
};

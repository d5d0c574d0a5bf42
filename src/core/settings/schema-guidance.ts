/**
 * Conditional-guidance settings (spec §18). Every loss is off at scale 0. The schema accepts every value the
 * notebook's form offers; which combinations the engine can run is decided by the renderer, not here.
 */
import { z } from 'zod';
import { choiceField, integerField, mediaField, numberField } from './field-types.js';

export const CLIP_NAMES = ['ViT-L/14', 'ViT-L/14@336px', 'ViT-B/16', 'ViT-B/32'] as const;

export const guidanceShape = {
  mean_scale: numberField(),
  var_scale: numberField(),
  exposure_scale: numberField(),
  exposure_target: numberField(),
  colormatch_scale: numberField(),
  colormatch_image: mediaField(),
  colormatch_n_colors: integerField(1),
  ignore_sat_weight: numberField(),
  clip_name: choiceField(CLIP_NAMES),
  clip_scale: numberField(),
  aesthetics_scale: numberField(),
  cutn: integerField(1),
  cut_pow: numberField(),
  init_mse_scale: numberField(),
  init_mse_image: mediaField(),
  blue_scale: numberField(),
  gradient_wrt: choiceField(['x0_pred', 'x']),
  gradient_add_to: choiceField(['both', 'cond', 'uncond']),
  decode_method: choiceField(['linear', 'autoencoder']),
  grad_threshold_type: choiceField(['dynamic', 'static', 'mean', 'schedule']),
  clamp_grad_threshold: numberField(),
  clamp_start: numberField(),
  clamp_stop: numberField(),
  grad_inject_timing: z
    .union([z.number().int().min(1), z.array(z.number().min(0)), z.null()])
    .describe('an integer n ≥ 1 (every n-th step), a list of step numbers or step fractions, or null (every step)'),
};

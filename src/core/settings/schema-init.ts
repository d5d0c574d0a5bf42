/** Init image, strength and mask settings (spec §15). `init_image` is null in saved files without an init. */
import { z } from 'zod';
import { flagField, mediaField, numberField } from './field-types.js';

export const initShape = {
  use_init: flagField(),
  strength: numberField({ min: 0, max: 1 }),
  init_image: z.string().nullable().describe('null, a file path or an http(s) URL'),
  add_init_noise: flagField(),
  init_noise: numberField(),
  use_mask: flagField(),
  use_alpha_as_mask: flagField(),
  mask_file: mediaField(),
  invert_mask: flagField(),
  mask_brightness_adjust: numberField({ min: 0 }),
  mask_contrast_adjust: numberField({ min: 0 }),
  overlay_mask: flagField(),
  mask_overlay_blur: numberField({ min: 0 }),
};

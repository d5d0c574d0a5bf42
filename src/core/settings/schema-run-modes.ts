/** Interpolation mode (spec §13) and resume (spec §14) settings. */
import { flagField, integerField, textField } from './field-types.js';

export const runModesShape = {
  interpolate_key_frames: flagField(),
  interpolate_x_frames: integerField(0),
  resume_from_timestring: flagField(),
  resume_timestring: textField(),
};

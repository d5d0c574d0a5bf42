/**
 * Animation and motion settings (spec §4 and §5): the mode, the frame count, and the per-frame 2D/3D camera
 * schedules. Motion values are never range-checked by the notebook; only their schedule syntax is checked
 * (see schedule-settings.ts).
 */
import { choiceField, flagField, integerField, scheduleField } from './field-types.js';

export const ANIMATION_MODES = ['None', '2D', '3D', 'Video Input', 'Interpolation'] as const;

export const animationShape = {
  animation_mode: choiceField(ANIMATION_MODES),
  max_frames: integerField(1),
  border: choiceField(['wrap', 'replicate']),
  angle: scheduleField(),
  zoom: scheduleField(),
  translation_x: scheduleField(),
  translation_y: scheduleField(),
  translation_z: scheduleField(),
  rotation_3d_x: scheduleField(),
  rotation_3d_y: scheduleField(),
  rotation_3d_z: scheduleField(),
  flip_2d_perspective: flagField(),
  perspective_flip_theta: scheduleField(),
  perspective_flip_phi: scheduleField(),
  perspective_flip_gamma: scheduleField(),
  perspective_flip_fv: scheduleField(),
};

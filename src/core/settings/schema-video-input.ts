/**
 * Video Input mode and hybrid video settings (spec §11 and §12). Flow methods include the three names the
 * notebook's code accepts beyond its form (DIS Fast, DIS UltraFast, Farneback Fine).
 */
import { choiceField, flagField, integerField, mediaField, scheduleField } from './field-types.js';

export const videoInputShape = {
  video_init_path: mediaField(),
  extract_nth_frame: integerField(1),
  overwrite_extracted_frames: flagField(),
  use_mask_video: flagField(),
  video_mask_path: mediaField(),
  hybrid_generate_inputframes: flagField(),
  hybrid_use_first_frame_as_init_image: flagField(),
  hybrid_motion: choiceField(['None', 'Optical Flow', 'Perspective', 'Affine']),
  hybrid_motion_use_prev_img: flagField(),
  hybrid_flow_method: choiceField([
    'DenseRLOF',
    'DIS Medium',
    'Farneback',
    'SF',
    'DIS Fast',
    'DIS UltraFast',
    'Farneback Fine',
  ]),
  hybrid_composite: flagField(),
  hybrid_comp_mask_type: choiceField(['None', 'Depth', 'Video Depth', 'Blend', 'Difference']),
  hybrid_comp_mask_inverse: flagField(),
  hybrid_comp_mask_equalize: choiceField(['None', 'Before', 'After', 'Both']),
  hybrid_comp_mask_auto_contrast: flagField(),
  hybrid_comp_save_extra_frames: flagField(),
  hybrid_use_video_as_mse_image: flagField(),
  hybrid_comp_alpha_schedule: scheduleField(),
  hybrid_comp_mask_blend_alpha_schedule: scheduleField(),
  hybrid_comp_mask_contrast_schedule: scheduleField(),
  hybrid_comp_mask_auto_contrast_cutoff_high_schedule: scheduleField(),
  hybrid_comp_mask_auto_contrast_cutoff_low_schedule: scheduleField(),
};

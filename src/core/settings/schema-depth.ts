/** 3D depth warping settings (spec §10). `fov` must stay strictly inside (0, 180) or tan(fov/2) breaks. */
import { choiceField, flagField, numberField } from './field-types.js';

export const depthShape = {
  use_depth_warping: flagField(),
  midas_weight: numberField(),
  near_plane: numberField(),
  far_plane: numberField(),
  fov: numberField({ above: 0, below: 180 }),
  padding_mode: choiceField(['border', 'reflection', 'zeros']),
  sampling_mode: choiceField(['bicubic', 'bilinear', 'nearest']),
  save_depth_maps: flagField(),
};

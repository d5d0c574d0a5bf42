/**
 * Groups the extension's keys that have no equivalent here by the feature they belong to, so a report can say
 * "ControlNet: cn_1_enabled, …" instead of one long list.
 */
import type { UnmappedGroup } from './import-result.js';

const GROUPS: readonly { group: string; test: RegExp }[] = [
  { group: 'ControlNet', test: /^cn_\d+_/ },
  { group: 'Parseq', test: /^parseq_/ },
  { group: 'Upscaling', test: /^r_upscale/ },
  { group: 'Frame interpolation (RIFE/FILM)', test: /^frame_interpolation_/ },
  { group: 'Soundtrack', test: /^(add_soundtrack|soundtrack_path)$/ },
  {
    group: 'Guided images (looper)',
    test: /^(use_looper|init_images|image_strength_schedule|blendFactorMax|blendFactorSlope|tweening_frames_schedule|color_correction_factor)$/,
  },
  {
    group: 'Web UI and model',
    test: /^(show_info_on_ui|tiling|restore_faces|seed_resize_from_[wh]|sd_model_name|sd_model_hash|deforum_git_commit_id|enable_checkpoint_scheduling|checkpoint_schedule|enable_clipskip_scheduling|clipskip_schedule|pix2pix_img_cfg_scale_schedule)$/,
  },
  {
    group: 'Extra schedules',
    test: /^(cfg_scale_schedule|enable_steps_scheduling|steps_schedule|enable_subseed_scheduling|subseed_schedule|subseed_strength_schedule|enable_noise_multiplier_scheduling|noise_multiplier_schedule|enable_ddim_eta_scheduling|ddim_eta_schedule|enable_ancestral_eta_scheduling|ancestral_eta_schedule|aspect_ratio_schedule|aspect_ratio_use_old_formula|transform_center_[xy]|fov_schedule|near_schedule|far_schedule)$/,
  },
  {
    group: 'Masks',
    test: /^(fill|full_res_mask|full_res_mask_padding|use_noise_mask|mask_schedule|noise_mask_schedule)$/,
  },
  {
    group: 'Optical-flow cadence and redo',
    test: /^(optical_flow_cadence|cadence_flow_factor_schedule|optical_flow_redo_generation|redo_flow_factor_schedule|diffusion_redo)$/,
  },
  { group: 'Noise type', test: /^(noise_type|perlin_octaves|perlin_persistence)$/ },
  { group: 'Depth models', test: /^depth_algorithm$/ },
  { group: 'Colour coherence', test: /^(color_coherence_image_path|legacy_colormatch)$/ },
  { group: 'Hybrid video', test: /^hybrid_/ },
  { group: 'Video input', test: /^(extract_from_frame|extract_to_frame)$/ },
  { group: 'Output and clean-up', test: /^(delete_imgs|delete_input_frames|store_frames_in_ram)$/ },
  { group: 'Rendering', test: /^(reroll_blank_frames|reroll_patience|motion_preview_mode)$/ },
];

export function groupUnmappedKeys(keys: readonly string[]): UnmappedGroup[] {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const group = GROUPS.find((candidate) => candidate.test.test(key))?.group ?? 'Other';
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  return [...groups.entries()].map(([group, members]) => ({ group, keys: members }));
}

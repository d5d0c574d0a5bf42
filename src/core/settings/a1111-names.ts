/**
 * How the Automatic1111 Deforum extension (deforum-art/sd-webui-deforum) names things that exist here too:
 * renamed keys, renamed option values, and the keys that identify one of its settings files.
 */
import type { SamplerName } from './samplers.js';

/** Keys only the extension writes; any of them marks a file as the extension's. */
export const A1111_SIGNATURE_KEYS = [
  'sd_model_name',
  'sd_model_hash',
  'deforum_git_commit_id',
  'positive_prompts',
  'negative_prompts',
  'cfg_scale_schedule',
  'enable_perspective_flip',
  'fov_schedule',
  'animation_prompts',
] as const;

/** Same meaning, other name: extension key → our key. */
export const A1111_RENAMED_KEYS: Readonly<Record<string, string>> = {
  enable_perspective_flip: 'flip_2d_perspective',
  enable_sampler_scheduling: 'enable_schedule_samplers',
  fps: 'ffmpeg_fps',
  make_gif: 'create_gif',
  skip_video_creation: 'skip_video_for_run_all',
  animation_prompts: 'prompts',
};

/**
 * Extension schedules whose constant value is one of our plain settings (`"0: (7)"` → scale 7). A schedule that
 * varies has no equivalent and is reported unmapped.
 */
export const A1111_CONSTANT_SCHEDULES: Readonly<Record<string, string>> = {
  cfg_scale_schedule: 'scale',
  fov_schedule: 'fov',
  near_schedule: 'near_plane',
  far_schedule: 'far_plane',
};

/** The web UI's sampler names; the Karras variants differ only in sigma spacing, which we do not offer. */
export const A1111_SAMPLERS: Readonly<Record<string, SamplerName>> = {
  'Euler a': 'euler_ancestral',
  Euler: 'euler',
  LMS: 'klms',
  Heun: 'heun',
  DPM2: 'dpm2',
  'DPM2 a': 'dpm2_ancestral',
  'DPM++ 2S a': 'dpmpp_2s_a',
  'DPM++ 2M': 'dpmpp_2m',
  'DPM fast': 'dpm_fast',
  'DPM adaptive': 'dpm_adaptive',
  DDIM: 'ddim',
  PLMS: 'plms',
  'LMS Karras': 'klms',
  'DPM2 Karras': 'dpm2',
  'DPM2 a Karras': 'dpm2_ancestral',
  'DPM++ 2S a Karras': 'dpmpp_2s_a',
  'DPM++ 2M Karras': 'dpmpp_2m',
};

/** The extension's short colour-coherence names (spec §9); its 'Image' mode has no equivalent. */
export const A1111_COLOR_COHERENCE: Readonly<Record<string, string>> = {
  None: 'None',
  HSV: 'Match Frame 0 HSV',
  LAB: 'Match Frame 0 LAB',
  RGB: 'Match Frame 0 RGB',
  'Video Input': 'Video Input',
};

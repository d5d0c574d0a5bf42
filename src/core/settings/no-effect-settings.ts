/**
 * Settings this engine accepts (so notebook files load unchanged) but that change nothing in its output, with
 * the reason. Some only lose their effect in animation modes: the notebook itself ignores the still-batch
 * settings there (spec §16, §17, item 47 of §24).
 */
import type { DeforumSettings, SettingName } from './schema.js';

export interface NoEffectRule {
  setting: SettingName;
  reason: string;
  /** When absent the setting never has an effect; otherwise only when this returns true. */
  when?: (settings: DeforumSettings) => boolean;
}

const isAnimation = (s: DeforumSettings): boolean => s.animation_mode !== 'None';
const STILLS_ONLY = 'only used for still batches (animation_mode None); animations ignore it as the notebook does';
const NOTEBOOK_DISPLAY = "controls the notebook's inline display; this engine has no notebook";
const VIDEO_CELL = "re-encodes an earlier run in the notebook's ffmpeg cell; a render encodes its own frames";

export const NO_EFFECT_SETTINGS: readonly NoEffectRule[] = [
  { setting: 'display_samples', reason: NOTEBOOK_DISPLAY },
  { setting: 'show_sample_per_step', reason: NOTEBOOK_DISPLAY },
  { setting: 'display_ffmpeg', reason: NOTEBOOK_DISPLAY },
  { setting: 'debug', reason: "prints the notebook's ffmpeg arguments; the CLI logs its own commands" },
  {
    setting: 'precision',
    reason: "the model's ONNX files fix the precision; only autocast ever worked in the notebook",
  },
  { setting: 'C', reason: 'latent channels are fixed by the model (4)' },
  { setting: 'f', reason: 'the VAE down-sampling factor is fixed by the model (8)' },
  { setting: 'near_plane', reason: 'changes only the projected depth, which the 3D warp discards (spec §10)' },
  { setting: 'far_plane', reason: 'changes only the projected depth, which the 3D warp discards (spec §10)' },
  { setting: 'ffmpeg_outdir', reason: VIDEO_CELL },
  { setting: 'ffmpeg_timestring', reason: VIDEO_CELL },
  { setting: 'ffmpeg_image_path', reason: VIDEO_CELL },
  { setting: 'ffmpeg_extension', reason: 'frames are written as PNG and encoded as they are made' },
  { setting: 'save_samples', reason: STILLS_ONLY, when: isAnimation },
  { setting: 'save_settings', reason: STILLS_ONLY, when: isAnimation },
  { setting: 'n_batch', reason: STILLS_ONLY, when: isAnimation },
  { setting: 'n_samples', reason: 'forced to 1 in animation modes, as in the notebook', when: isAnimation },
  { setting: 'filename_format', reason: STILLS_ONLY, when: isAnimation },
  { setting: 'make_grid', reason: STILLS_ONLY, when: isAnimation },
  { setting: 'grid_rows', reason: STILLS_ONLY, when: isAnimation },
];

/** The rules that apply to these settings, so a caller can name those a file sets away from the default. */
export function noEffectRulesFor(settings: DeforumSettings): NoEffectRule[] {
  return NO_EFFECT_SETTINGS.filter((rule) => rule.when === undefined || rule.when(settings));
}

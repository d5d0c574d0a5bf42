/**
 * Expands the 25 animation schedules of a render once, before the first frame. Matches the notebook's
 * DeformAnimKeys (every schedule through get_inbetweens, Linear) and the per-frame conversions render_animation
 * does inline: int() of the kernel and of the two hybrid auto-contrast cutoffs, strength clamped to [0, 1], and a
 * scheduled sampler applied only when it is one the notebook knows (spec §§1, 6, 7, 8, 12).
 */
import { expandSchedule, expandStringSchedule } from '../schedule/index.js';
import { K_DIFFUSION_SAMPLERS, type KDiffusionSamplerName } from '../settings/samplers.js';

export const ANIM_KEY_NAMES = [
  'angle',
  'zoom',
  'translation_x',
  'translation_y',
  'translation_z',
  'rotation_3d_x',
  'rotation_3d_y',
  'rotation_3d_z',
  'perspective_flip_theta',
  'perspective_flip_phi',
  'perspective_flip_gamma',
  'perspective_flip_fv',
  'noise_schedule',
  'strength_schedule',
  'contrast_schedule',
  'sampler_schedule',
  'kernel_schedule',
  'sigma_schedule',
  'amount_schedule',
  'threshold_schedule',
  'hybrid_comp_alpha_schedule',
  'hybrid_comp_mask_blend_alpha_schedule',
  'hybrid_comp_mask_contrast_schedule',
  'hybrid_comp_mask_auto_contrast_cutoff_high_schedule',
  'hybrid_comp_mask_auto_contrast_cutoff_low_schedule',
] as const;

export type AnimKeyName = (typeof ANIM_KEY_NAMES)[number];
export type NumericAnimKeyName = Exclude<AnimKeyName, 'sampler_schedule'>;

export interface FrameKeys {
  readonly kernel: number;
  readonly strengthClamped: number;
  readonly maskAutoContrastCutoffLow: number;
  readonly maskAutoContrastCutoffHigh: number;
  /** null: the scheduled name is not a known sampler, so the render keeps its configured sampler. */
  readonly samplerApplied: KDiffusionSamplerName | null;
}

export interface AnimKeys {
  readonly maxFrames: number;
  readonly series: Readonly<Record<NumericAnimKeyName, Float64Array>>;
  readonly samplerSeries: readonly (string | null)[];
  /** What the render loop derives from the series at frame `frame`. */
  frame(frame: number): FrameKeys;
}

export function expandAnimKeys(schedules: Readonly<Record<AnimKeyName, string>>, maxFrames: number): AnimKeys {
  const series = Object.fromEntries(
    ANIM_KEY_NAMES.filter((name) => name !== 'sampler_schedule').map((name) => [
      name,
      expandSchedule(schedules[name], maxFrames, { setting: name }),
    ]),
  ) as Record<NumericAnimKeyName, Float64Array>;
  const samplerSeries = expandStringSchedule(schedules.sampler_schedule, maxFrames, { setting: 'sampler_schedule' });
  const at = (name: NumericAnimKeyName, frame: number): number => series[name][frame] ?? NaN;
  return {
    maxFrames,
    series,
    samplerSeries,
    frame(frame) {
      if (!Number.isInteger(frame) || frame < 0 || frame >= maxFrames)
        throw new RangeError(`frame ${String(frame)} is outside 0..${String(maxFrames - 1)}`);
      return {
        kernel: Math.trunc(at('kernel_schedule', frame)),
        strengthClamped: Math.max(0, Math.min(1, at('strength_schedule', frame))),
        maskAutoContrastCutoffLow: Math.trunc(at('hybrid_comp_mask_auto_contrast_cutoff_low_schedule', frame)),
        maskAutoContrastCutoffHigh: Math.trunc(at('hybrid_comp_mask_auto_contrast_cutoff_high_schedule', frame)),
        samplerApplied: schedulableSampler(samplerSeries[frame] ?? null),
      };
    },
  };
}

function schedulableSampler(name: string | null): KDiffusionSamplerName | null {
  return K_DIFFUSION_SAMPLERS.find((sampler) => sampler === name) ?? null;
}

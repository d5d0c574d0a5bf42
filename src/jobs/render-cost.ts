/**
 * What a job costs in render units, reserved from the user's quota at submit: the UNet steps the render will
 * actually run, summed over the diffused frames, times the image area in 512² tiles. One unit is one sampler step
 * at 512×512, so a 2048² job costs 16 times a 512² one and cadence 3 costs a third of cadence 1.
 *
 * Steps per diffused frame follow Deforum's generate(): txt2img runs `steps`; img2img runs
 * t_enc = int((1 − strength) · steps) (img2imgStepCount), with `strength` for the init image on frame 0 (`hasInit`: an attached init, or use_init with init_image) and
 * strength_schedule[f] (clamped to [0, 1]) for each later diffused frame f. W and H are rounded down to multiples
 * of 64 first, as the render does. A motion preview diffuses nothing and costs 0.
 */
import { planCadence } from '../core/animation/cadence.js';
import { img2imgStepCount } from '../core/diffusion/noise-schedule.js';
import { expandSchedule } from '../core/schedule/index.js';
import type { DeforumSettings } from '../core/settings/schema.js';

export type CostedSettings = Pick<
  DeforumSettings,
  'W' | 'H' | 'steps' | 'max_frames' | 'diffusion_cadence' | 'strength' | 'strength_schedule'
>;

export interface RenderCost {
  /** Render units, rounded up to a whole unit. */
  units: number;
  diffusedFrames: number;
  /** Sampler steps summed over the diffused frames. */
  steps: number;
}

export const UNIT_AREA = 512 * 512;

export function renderCost(settings: CostedSettings, options: { preview: boolean; hasInit: boolean }): RenderCost {
  if (options.preview) return { units: 0, diffusedFrames: 0, steps: 0 };
  const width = settings.W - (settings.W % 64);
  const height = settings.H - (settings.H % 64);
  const frames = settings.max_frames;
  const strength = expandSchedule(settings.strength_schedule, frames, { setting: 'strength_schedule' });
  let steps = 0;
  let diffusedFrames = 0;
  for (const step of planCadence(frames, settings.diffusion_cadence)) {
    if (step.kind !== 'diffuse') continue;
    diffusedFrames += 1;
    if (step.initFrom === null) {
      steps += options.hasInit ? img2imgStepCount(settings.strength, settings.steps) : settings.steps;
    } else {
      const scheduled = strength[step.frame] ?? 0;
      steps += img2imgStepCount(Math.max(0, Math.min(1, scheduled)), settings.steps);
    }
  }
  return { units: Math.ceil((steps * width * height) / UNIT_AREA), diffusedFrames, steps };
}

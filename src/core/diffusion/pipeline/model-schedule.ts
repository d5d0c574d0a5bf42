/**
 * The noise schedule an export was trained with, built from its scheduler config (scheduler-config.ts) rather
 * than assumed to be SD 1.5's: ldm `register_schedule` (betas in float64, `alphas_cumprod` as a float32 buffer,
 * or the config's `trained_betas`) and k-diffusion's `DiscreteSchedule` over it. Built once per generator.
 */
import { alphasCumprod, discreteSchedule, makeBetas, type DiscreteSchedule } from '../noise-schedule.js';
import type { Parameterization } from '../denoiser.js';
import type { SchedulerConfig } from './scheduler-config.js';

export interface ModelSchedule {
  readonly alphasCumprod: Float32Array;
  readonly discrete: DiscreteSchedule;
  /** Added to every DDIM/PLMS timestep (the config's `steps_offset`). */
  readonly stepsOffset: number;
  /** `epsilon` → eps (CompVisDenoiser), `v_prediction` → v (CompVisVDenoiser). */
  readonly parameterization: Parameterization;
}

export function modelSchedule(config: SchedulerConfig): ModelSchedule {
  const betas = config.trainedBetas === null ? makeBetas(config) : Float64Array.from(config.trainedBetas);
  const ac = alphasCumprod(betas);
  return {
    alphasCumprod: ac,
    discrete: discreteSchedule(ac),
    stepsOffset: config.stepsOffset,
    parameterization: config.predictionType === 'v_prediction' ? 'v' : 'eps',
  };
}

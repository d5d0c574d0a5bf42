/**
 * The training noise schedule an export declares in scheduler/scheduler_config.json, parsed once into a typed
 * object so the noise schedule is built from the model instead of assuming SD 1.5. Absent keys take diffusers'
 * defaults for that key (which are not SD's: beta_schedule 'linear', 0.0001…0.02), as diffusers itself does.
 */
import { z } from 'zod';

export type PredictionType = 'epsilon' | 'v_prediction';
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';

export interface SchedulerConfig {
  /** The diffusers scheduler class the export names (information only: Deforum picks its own sampler). */
  className: string;
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  trainedBetas: number[] | null;
  predictionType: PredictionType;
  stepsOffset: number;
}

const schema = z.object({
  _class_name: z.string().default('unknown'),
  num_train_timesteps: z.number().int().positive().default(1000),
  beta_start: z.number().positive().default(0.0001),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']).default('linear'),
  trained_betas: z.array(z.number()).nullable().default(null),
  prediction_type: z.enum(['epsilon', 'v_prediction']).default('epsilon'),
  steps_offset: z.number().int().nonnegative().default(0),
});

export type SchedulerConfigResult = { ok: true; value: SchedulerConfig } | { ok: false; issues: string[] };

export function parseSchedulerConfig(json: unknown): SchedulerConfigResult {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`),
    };
  }
  const c = parsed.data;
  return {
    ok: true,
    value: {
      className: c._class_name,
      numTrainTimesteps: c.num_train_timesteps,
      betaStart: c.beta_start,
      betaEnd: c.beta_end,
      betaSchedule: c.beta_schedule,
      trainedBetas: c.trained_betas,
      predictionType: c.prediction_type,
      stepsOffset: c.steps_offset,
    },
  };
}

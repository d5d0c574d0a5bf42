/**
 * The per-generation values of a render whose frames do not feed each other (Video Input): frame f's prompt pair
 * (spec §3.2), the scheduled sampler when `enable_schedule_samplers` (sticky, spec §7; `plms` starts as `klms`,
 * spec §0 step 7) and the seed sequence (spec §16: `next_seed` after every generation).
 */
import type { PromptPair } from '../schedule/prompts.js';
import { normalisePrompts, promptsPerFrame } from '../schedule/prompts.js';
import type { SamplerName } from '../settings/samplers.js';
import type { DeforumSettings } from '../settings/schema.js';
import { expandAnimKeys } from './anim-keys.js';
import { animKeySchedules } from './render-plan.js';
import { nextSeed, seedAtFrame, seedRuleOf, type SeedState } from './seeds.js';

export interface FrameGeneration {
  seed: number;
  seedInternal: number;
  sampler: SamplerName;
  prompts: PromptPair;
}

export interface FrameSchedule {
  /** The values of frame `frame`'s generation; the seed moves on for the next call. */
  take(frame: number): FrameGeneration;
  /** The seed state and sticky sampler the next `take` starts from (what a checkpoint stores). */
  state(): FrameScheduleState;
}

export interface FrameScheduleState {
  seed: SeedState;
  sampler: SamplerName;
}

/** The schedule from the run's start, or from `start` (a checkpoint's state) to continue a stopped run. */
export function createFrameSchedule(settings: DeforumSettings, start?: FrameScheduleState): FrameSchedule {
  const frameCount = settings.max_frames;
  if (!Number.isSafeInteger(settings.seed) || settings.seed < 0) {
    throw new RangeError(`seed ${settings.seed} must be resolved to a seed ≥ 0 first (resolveSeed in seeds.ts)`);
  }
  const rule = seedRuleOf(settings);
  const keys = expandAnimKeys(animKeySchedules(settings), frameCount);
  const prompts = promptsPerFrame(
    normalisePrompts(new Map(Object.entries(settings.prompts)), new Map(Object.entries(settings.neg_prompts))),
    frameCount,
  );
  let seed: SeedState = start?.seed ?? { seed: settings.seed, seedInternal: 0 };
  let sampler: SamplerName = start?.sampler ?? (settings.sampler === 'plms' ? 'klms' : settings.sampler);
  return {
    take(frame) {
      const scheduled = keys.frame(frame).samplerApplied;
      if (settings.enable_schedule_samplers && scheduled !== null) sampler = scheduled;
      seed = seedAtFrame(seed, rule, frame);
      const generation = { ...seed, sampler, prompts: prompts[frame] ?? { cond: '', uncond: '' } };
      seed = nextSeed(seed, rule);
      return generation;
    },
    state: () => ({ seed, sampler }),
  };
}

/**
 * Everything a 2D/3D render reads from its settings, computed once before the first frame (spec §22.1 steps
 * 4, 7, 9): the animation keys, the camera path, the prompt pair of every frame, the seed rule, the cadence plan
 * and the run's starting sampler. Schedules the run never reads are expanded from their defaults instead of the
 * file's text, so a broken unused schedule cannot stop the run (spec §24 item 5, F, as the settings checker
 * already reports it only as a warning).
 */
import type { ColorCoherenceSettings } from '../image/color-reference.js';
import { normalisePrompts, promptsPerFrame, type PromptPair } from '../schedule/prompts.js';
import { DEFAULT_SETTINGS } from '../settings/defaults.js';
import type { SamplerName } from '../settings/samplers.js';
import type { DeforumSettings } from '../settings/schema.js';
import { isScheduleInUse } from '../settings/schedule-settings.js';
import { ANIM_KEY_NAMES, expandAnimKeys, type AnimKeyName, type AnimKeys } from './anim-keys.js';
import { planCadence, type CadenceStep } from './cadence.js';
import { cameraPathOf, type CameraPath } from './camera-path.js';
import { isHybridActive, type AnimatedSettings } from './render-support.js';
import { seedRuleOf, type SeedRule, type SeedState } from './seeds.js';

export interface RenderPlan {
  readonly frameCount: number;
  readonly keys: AnimKeys;
  readonly camera: CameraPath;
  readonly prompts: readonly PromptPair[];
  readonly seedRule: SeedRule;
  readonly firstSeed: SeedState;
  /** `sampler` after the notebook's startup correction (plms cannot start from an init: klms, spec §0 step 7). */
  readonly firstSampler: SamplerName;
  readonly scheduleSamplers: boolean;
  readonly steps: readonly CadenceStep[];
  readonly color: ColorCoherenceSettings;
}

export function planRender(settings: AnimatedSettings): RenderPlan {
  const frameCount = settings.max_frames;
  if (!Number.isSafeInteger(settings.seed) || settings.seed < 0) {
    throw new RangeError(`seed ${settings.seed} must be resolved to a seed ≥ 0 first (resolveSeed in seeds.ts)`);
  }
  return {
    frameCount,
    keys: expandAnimKeys(animKeySchedules(settings), frameCount),
    camera: cameraPathOf(settings),
    prompts: promptsPerFrame(
      normalisePrompts(new Map(Object.entries(settings.prompts)), new Map(Object.entries(settings.neg_prompts))),
      frameCount,
    ),
    seedRule: seedRuleOf(settings),
    firstSeed: { seed: settings.seed, seedInternal: 0 },
    firstSampler: settings.sampler === 'plms' ? 'klms' : settings.sampler,
    scheduleSamplers: settings.enable_schedule_samplers,
    steps: planCadence(frameCount, settings.diffusion_cadence),
    color: {
      mode: settings.color_coherence,
      videoEveryNFrames: settings.color_coherence_video_every_N_frames,
      // Without hybrid video 'Video Input' coherence is plain Lab matching (item 20).
      hybridVideo: isHybridActive(settings),
    },
  };
}

/** The schedule texts to expand: the file's where the run reads them, else the notebook defaults (item 5, F). */
export function animKeySchedules(settings: DeforumSettings): Record<AnimKeyName, string> {
  return Object.fromEntries(
    ANIM_KEY_NAMES.map((name) => [name, isScheduleInUse(name, settings) ? settings[name] : DEFAULT_SETTINGS[name]]),
  ) as Record<AnimKeyName, string>;
}

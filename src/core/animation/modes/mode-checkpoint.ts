/**
 * Checkpoints of the renderers whose frames do not feed each other (Video Input, Interpolation, stills): the
 * index of the next frame or image, the seed state and the sticky sampler are all they carry; the loop's images
 * (previous sample, cadence, colour reference, overlay) stay null. The same Checkpoint type and file format as
 * the 2D/3D loop, so the CLI stores and reads them alike.
 */
import type { SamplerName } from '../../settings/samplers.js';
import type { DeforumSettings } from '../../settings/schema.js';
import { CHECKPOINT_VERSION, type Checkpoint } from '../checkpoint.js';
import { checkResumeSettings, frameShapingSettings } from '../resume-settings.js';
import type { SeedState } from '../seeds.js';

/** The checkpoint after frames (or images) 0 … next − 1; `settings` as the renderer was given them. */
export function modeCheckpoint(
  next: number,
  seed: SeedState,
  sampler: SamplerName,
  settings: Checkpoint['settings'],
): Checkpoint {
  return {
    version: CHECKPOINT_VERSION,
    framesDone: next,
    nextStep: next,
    previous: null,
    cadence: null,
    colorTarget: null,
    seed: { ...seed },
    sampler,
    overlay: null,
    settings,
  };
}

/** The settings a mode's checkpoints store: those the caller gave (before the mode's own overrides). */
export const modeCheckpointSettings = frameShapingSettings;

/**
 * The first frame to render when continuing `checkpoint` (0 without one), after checking that `settings` (as the
 * caller gives them) continue that run and that it fits a run of `count` frames.
 */
export function resumeIndex(checkpoint: Checkpoint | undefined, settings: DeforumSettings, count: number): number {
  if (checkpoint === undefined) return 0;
  checkResumeSettings(checkpoint, settings);
  const { framesDone, nextStep, previous, cadence } = checkpoint;
  if (framesDone !== nextStep || framesDone > count || previous !== null || cadence !== null) {
    throw new RangeError(
      `the checkpoint (${framesDone} frames done, step ${nextStep}) does not fit this ${count}-frame ` +
        `${settings.animation_mode} render`,
    );
  }
  return framesDone;
}

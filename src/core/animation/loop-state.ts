/**
 * What the 2D/3D loop (render-loop.ts) carries from one step to the next, and its checkpoint (checkpoint.ts): the
 * state after a finished frame and the state a checkpoint stands for when a run resumes from it.
 */
import type { Latent } from '../diffusion/tensor.js';
import { createColorReference, type ColorReference } from '../image/color-reference.js';
import type { RawImage } from '../image/raw-image.js';
import type { SamplerName } from '../settings/samplers.js';
import { CHECKPOINT_VERSION, type Checkpoint } from './checkpoint.js';
import type { MovingOverlay } from './moving-overlay.js';
import type { RenderPlan } from './render-plan.js';
import type { AnimatedSettings } from './render-support.js';
import { checkResumeSettings } from './resume-settings.js';
import type { SeedState } from './seeds.js';

/** What the loop carries from one step to the next. */
export interface LoopState {
  /** The last generated sample (cadence 1), what the next init is made from. */
  previous: Latent | null;
  /** Cadence > 1: the two newest diffused frames as float images. */
  cadence: CadenceState | null;
  color: ColorReference;
  seed: SeedState;
  /** Sticky: a scheduled sampler stays until another valid one is scheduled. */
  sampler: SamplerName;
  /** `use_mask` with `overlay_mask`: the overlay moved with the camera so far. */
  overlay: MovingOverlay | null;
}

/**
 * The cadence images as the loop advances them: the newer one at once (the next init is made from it), the older
 * one in a box that the deferred in-betweens of its block advance in frame order (step-events.ts).
 */
export interface CadenceState {
  older: { image: RawImage<'f32'> | null };
  next: RawImage<'f32'>;
}

/** The checkpoint after a frame: `framesDone` frames are finished and `nextStep` is the plan's next step. */
export function checkpointOf(
  state: LoopState,
  nextStep: number,
  framesDone: number,
  settings: Checkpoint['settings'],
): Checkpoint {
  const { previous, seed, sampler, overlay } = state;
  const colorTarget = state.color.target ?? null;
  const cadence = state.cadence === null ? null : { prev: state.cadence.older.image, next: state.cadence.next };
  return {
    version: CHECKPOINT_VERSION,
    framesDone,
    nextStep,
    previous,
    cadence,
    colorTarget,
    seed,
    sampler,
    overlay,
    settings,
  };
}

/** The loop state a checkpoint stands for, after checking that these settings continue that run. */
export function resumedState(checkpoint: Checkpoint, plan: RenderPlan, settings: AnimatedSettings): LoopState {
  checkResumeSettings(checkpoint, settings);
  const { nextStep, framesDone } = checkpoint;
  // The first frame the remaining steps write must be the checkpoint's next frame.
  const writing = plan.steps.slice(nextStep).find((step) => step.kind === 'tween' || step.writes);
  if ((writing?.frame ?? plan.frameCount) !== framesDone || nextStep > plan.steps.length) {
    throw new RangeError(
      `the checkpoint (step ${nextStep}, ${framesDone} frames done) does not fit this render's plan`,
    );
  }
  const { previous, seed, sampler, overlay } = checkpoint;
  const color = { ...createColorReference(plan.color), target: checkpoint.colorTarget ?? undefined };
  const saved = checkpoint.cadence;
  const cadence = saved === null ? null : { older: { image: saved.prev }, next: saved.next };
  return { previous, cadence, color, seed, sampler, overlay };
}

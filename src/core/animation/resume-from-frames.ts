/**
 * The notebook's resume (spec §14, `resume_from_timestring`) for a run that left frames but no checkpoint: the
 * last frame on disk becomes the previous sample, the colour reference and both cadence images, and the loop
 * starts after it; with cadence c the last block is redone from frame `last − last mod c`. It is expressed as a
 * checkpoint, so the loop has one way to resume.
 * Item 48 is fixed (F, docs/deviations.md) where the folder allows: the caller counts the frame files themselves
 * (not every `{ts}_*` entry, which also counts the settings file), and the seed and the sticky sampler are those
 * an uninterrupted run would have at that point, replayed from the settings, instead of starting over from `seed`.
 * What a frame file cannot hold is kept as the original has it (B): the previous sample is the saved 8-bit frame,
 * the colour reference becomes that frame, and a redone cadence block starts from a frame that may be blended.
 */
import { DeforumError } from '../errors.js';
import { resumeColorReference } from '../image/color-reference.js';
import { sampleFromPixels } from '../image/frame-noise.js';
import type { RawImage } from '../image/raw-image.js';
import type { DeforumSettings } from '../settings/schema.js';
import { sampleToFloatPixels } from './cadence-images.js';
import { CHECKPOINT_VERSION, type Checkpoint } from './checkpoint.js';
import { planRender } from './render-plan.js';
import { checkRenderable } from './render-support.js';
import { frameShapingSettings } from './resume-settings.js';
import { nextSeed } from './seeds.js';

/**
 * The frame the notebook loads to resume a run with frames 0 … framesOnDisk − 1 written (`last = start − 1`, then
 * down to a multiple of the cadence), or null when there is none and the run starts over.
 */
export function frameToResumeFrom(framesOnDisk: number, cadence: number): number | null {
  if (framesOnDisk <= 0) return null;
  const last = framesOnDisk - 1;
  return last - (last % cadence);
}

/** The checkpoint that continues `settings` after saved frame `frame` (from `frameToResumeFrom`). */
export async function checkpointFromSavedFrame(
  input: DeforumSettings,
  frame: number,
  image: RawImage<'u8'>,
): Promise<Checkpoint> {
  const settings = checkRenderable(input);
  if (settings.use_mask && settings.overlay_mask) {
    // The moved overlay and its source are not in a frame file (the original crashes here on a None source).
    throw new DeforumError(
      { code: 'setting_unsupported', setting: 'use_mask', given: 'true', reason: 'needs the checkpoint to resume' },
      'A use_mask run resumes from its checkpoint only (the moved overlay is not in the frame files); ' +
        'render it again, or set overlay_mask to false.',
    );
  }
  const plan = planRender(settings);
  const cadence = settings.diffusion_cadence;
  // Cadence 1 resumes at the diffusion of frame + 1; cadence c right after the diffusion of `frame`, whose block
  // of in-betweens is redone from the loaded image.
  const found = plan.steps.findIndex(
    (step) => step.kind === 'diffuse' && step.frame === (cadence === 1 ? frame + 1 : frame),
  );
  const nextStep = found === -1 ? plan.steps.length : cadence === 1 ? found : found + 1;
  let seed = plan.firstSeed;
  let sampler = plan.firstSampler;
  for (const step of plan.steps.slice(0, nextStep)) {
    if (step.kind !== 'diffuse') continue;
    const scheduled = plan.keys.frame(step.frame).samplerApplied;
    if (plan.scheduleSamplers && scheduled !== null) sampler = scheduled;
    seed = nextSeed(seed, plan.seedRule);
  }
  const pixels = sampleToFloatPixels(sampleFromPixels(image));
  const color = await resumeColorReference(plan.color, image);
  return {
    version: CHECKPOINT_VERSION,
    framesDone: found === -1 ? plan.frameCount : cadence === 1 ? frame + 1 : frame,
    nextStep,
    previous: cadence === 1 ? sampleFromPixels(image) : null,
    cadence: cadence === 1 ? null : { prev: pixels, next: pixels },
    colorTarget: color.target ?? null,
    seed,
    sampler,
    overlay: null,
    settings: frameShapingSettings(settings),
  };
}

/**
 * Interpolation mode (spec §13): one seed for every frame (seed_behavior forced to fixed, n_samples 1), so the
 * starting noise is identical and only the conditioning moves between the key prompts (interpolation-plan.ts).
 * Each frame is text-to-image, or img2img of the init image at `strength` with `use_init`, through the generator's
 * `promptBlend`. Fixed (spec §24 item 52, F, docs/deviations.md): negative prompts are used, each key prompt with
 * the negative prompt in force at its frame (spec §3.2), blended like the prompts; the original always uses "".
 * The original's unsaved preview generation per key prompt only produced the embeddings, which the generator
 * computes itself, so it is not run. The seed never moves, so a checkpoint (mode-checkpoint.ts) is the next frame;
 * `resumeFrom` continues from one.
 */
import type { Checkpoint } from '../checkpoint.js';
import { sampleFromPixels } from '../../image/frame-noise.js';
import type { RawImage } from '../../image/raw-image.js';
import { normalisePrompts, promptsPerFrame, type PromptPair } from '../../schedule/prompts.js';
import type { DeforumSettings } from '../../settings/schema.js';
import { diffusedFrameDone } from '../frame-done.js';
import type { FrameGenerator } from '../frame-generator.js';
import { prepareMasks, requestMask } from '../frame-masks.js';
import type { RenderEvent } from '../render-events.js';
import { checkSupported } from '../render-support.js';
import { generateWithSteps } from '../step-events.js';
import { planInterpolation } from './interpolation-plan.js';
import { modeCheckpoint, modeCheckpointSettings, resumeIndex } from './mode-checkpoint.js';

export interface InterpolationRenderInput {
  /** Interpolation settings with a resolved seed (≥ 0). */
  settings: DeforumSettings;
  /** The init image (W×H RGB) with `use_init`, else null. */
  init: RawImage<'u8'> | null;
  /** `use_mask`: the mask image (`mask_file`, or the init image with its alpha for `use_alpha_as_mask`). */
  mask: RawImage<'u8'> | null;
  generate: FrameGenerator;
  signal?: AbortSignal;
  /** Continue a run from the checkpoint of its last finished frame; its settings must be this run's. */
  resumeFrom?: Checkpoint;
}

/** The key prompts in the order given, each with the negative prompt in force at its frame. */
export function interpolationKeys(settings: DeforumSettings): { frame: number; prompts: PromptPair }[] {
  const tables = normalisePrompts(
    new Map(Object.entries(settings.prompts)),
    new Map(Object.entries(settings.neg_prompts)),
  );
  const frames = [...tables.cond.keys()];
  const perFrame = promptsPerFrame(tables, Math.max(...frames) + 1);
  return frames.map((frame) => ({ frame, prompts: perFrame[frame] ?? { cond: '', uncond: '' } }));
}

export async function* renderInterpolation(
  input: InterpolationRenderInput,
): AsyncGenerator<RenderEvent, void, undefined> {
  const settings = checkSupported(input.settings);
  const keys = interpolationKeys(settings);
  const plan = planInterpolation(keys, {
    keyFrames: settings.interpolate_key_frames,
    xFrames: settings.interpolate_x_frames,
  });
  const masks = settings.use_mask && input.mask !== null ? requestMask(prepareMasks(input.mask, settings)) : null;
  const init = input.init === null ? null : { sample: sampleFromPixels(input.init), strength: settings.strength };
  const start = resumeIndex(input.resumeFrom, input.settings, plan.length);
  const shaping = modeCheckpointSettings(input.settings);
  const seed = { seed: settings.seed, seedInternal: 0 };
  for (const [frame, step] of plan.entries()) {
    if (frame < start) continue;
    input.signal?.throwIfAborted();
    const from = keys[step.from]?.prompts ?? { cond: '', uncond: '' };
    const to = step.to === null ? null : (keys[step.to]?.prompts ?? null);
    yield {
      type: 'frame:started',
      frame,
      seed: settings.seed,
      seedInternal: 0,
      sampler: settings.sampler,
      prompts: from,
      strength: init === null ? null : settings.strength,
      init: input.init,
    };
    const { sample } = yield* generateWithSteps(input.generate, {
      frame,
      seed: settings.seed,
      prompt: from.cond,
      negativePrompt: from.uncond,
      sampler: settings.sampler,
      steps: settings.steps,
      scale: settings.scale,
      width: settings.W,
      height: settings.H,
      ...(to !== null && { promptBlend: { prompt: to.cond, negativePrompt: to.uncond, weight: step.weight } }),
      ...(init !== null && { init }),
      ...(masks !== null && { mask: masks }),
      ...(input.signal && { signal: input.signal }),
    });
    const checkpoint = modeCheckpoint(frame + 1, seed, settings.sampler, shaping);
    yield { ...diffusedFrameDone(frame, sample, settings), checkpoint };
  }
  yield { type: 'done', frameCount: plan.length };
}

/**
 * Still images, `animation_mode = 'None'` (spec §16.1, §3.3): for each prompt pair (values in order, the negative
 * list padded with its last item), `n_batch` times, for each init image (none without `use_init`), one
 * generation with the current seed, then `next_seed`. `n_samples` images share that seed: the generator makes one
 * image per call, so each of them is its own call with the same seed, which with a deterministic generator
 * repeats the image (docs/deviations.md). With `save_samples` each image is an `image:file` event named by
 * `filename_format`; with `make_grid` the prompt's images are tiled into a grid after its last batch.
 * Each saved image carries the checkpoint after it (next image index, seed state: mode-checkpoint.ts); with
 * `make_grid` only the grid does, so a resume starts at a prompt's first image and its grid is whole again.
 * `resumeFrom` continues from one with exactly the events an uninterrupted run yields after it.
 */
import type { Checkpoint } from '../checkpoint.js';
import { sampleToPixels, sampleFromPixels } from '../../image/frame-noise.js';
import { grayscalePil } from '../../image/grayscale.js';
import type { RawImage } from '../../image/raw-image.js';
import { normalisePrompts, pairBatchPrompts } from '../../schedule/prompts.js';
import type { DeforumSettings } from '../../settings/schema.js';
import { sampleToFloatPixels } from '../cadence-images.js';
import type { FrameGenerator } from '../frame-generator.js';
import { prepareMasks, requestMask } from '../frame-masks.js';
import type { ImageFileEvent, RenderEvent } from '../render-events.js';
import { checkSupported } from '../render-support.js';
import { nextSeed, seedAtFrame, seedRuleOf, type SeedState } from '../seeds.js';
import { generateWithSteps } from '../step-events.js';
import { stillGrid } from './still-grid.js';
import { modeCheckpoint, modeCheckpointSettings, resumeIndex } from './mode-checkpoint.js';
import { gridFileName, stillFileName } from './still-names.js';

export interface StillsRenderInput {
  /** Settings with a resolved seed (≥ 0). */
  settings: DeforumSettings;
  /** The run's timestring, the start of every file name. */
  timestring: string;
  /** `use_init`: the init images (W×H RGB), one or a folder's in name order; empty for text-to-image. */
  inits: readonly RawImage<'u8'>[];
  /** `use_mask`: the mask image (`mask_file`, or the init with its alpha for `use_alpha_as_mask`). */
  mask: RawImage<'u8'> | null;
  generate: FrameGenerator;
  signal?: AbortSignal;
  /** Continue a run from the checkpoint of its last saved image (or grid); its settings must be this run's. */
  resumeFrom?: Checkpoint;
}

export async function* renderStills(input: StillsRenderInput): AsyncGenerator<RenderEvent, void, undefined> {
  const settings = checkSupported(input.settings);
  const rule = seedRuleOf(settings);
  const pairs = pairBatchPrompts(
    normalisePrompts(new Map(Object.entries(settings.prompts)), new Map(Object.entries(settings.neg_prompts))),
  );
  const masks = settings.use_mask && input.mask !== null ? requestMask(prepareMasks(input.mask, settings)) : null;
  const inits: readonly (RawImage<'u8'> | null)[] = input.inits.length === 0 ? [null] : input.inits;
  const total = pairs.length * settings.n_batch * inits.length * settings.n_samples;
  const start = resumeIndex(input.resumeFrom, input.settings, total);
  const shaping = modeCheckpointSettings(input.settings);
  let seed: SeedState = input.resumeFrom?.seed ?? { seed: settings.seed, seedInternal: 0 };
  const checkpointAfter = (next: number, after: SeedState): Checkpoint =>
    modeCheckpoint(next, after, settings.sampler, shaping);
  let index = 0;
  for (const [promptIndex, prompts] of pairs.entries()) {
    const images: RawImage<'u8'>[] = [];
    for (let batch = 0; batch < settings.n_batch; batch++) {
      for (const init of inits) {
        if (index >= start) seed = seedAtFrame(seed, rule, index);
        for (let n = 0; n < settings.n_samples; n++, index++) {
          if (index < start) continue;
          input.signal?.throwIfAborted();
          const strength = init === null ? null : settings.strength;
          yield { type: 'frame:started', frame: index, ...seed, sampler: settings.sampler, prompts, strength, init };
          const { sample } = yield* generateWithSteps(input.generate, {
            frame: index,
            seed: seed.seed,
            prompt: prompts.cond,
            negativePrompt: prompts.uncond,
            sampler: settings.sampler,
            steps: settings.steps,
            scale: settings.scale,
            width: settings.W,
            height: settings.H,
            ...(init !== null && { init: { sample: sampleFromPixels(init), strength: settings.strength } }),
            ...(masks !== null && { mask: masks }),
            ...(input.signal && { signal: input.signal }),
          });
          const image = sampleToPixels(sample);
          images.push(settings.color_force_grayscale ? grayscalePil(image) : image);
          if (settings.save_samples) {
            const file = stillFileName(settings.filename_format, {
              timestring: input.timestring,
              index,
              prompt: prompts.cond,
              seed: seed.seed,
            });
            // The seed after this image: the next one's, which moves on after the group's last sample.
            const after = n === settings.n_samples - 1 ? nextSeed(seed, rule) : seed;
            const checkpoint = settings.make_grid ? null : checkpointAfter(index + 1, after);
            yield stillFile(
              file,
              images.at(-1) ?? image,
              settings.bit_depth_output === 16 ? sampleToFloatPixels(sample) : null,
              checkpoint,
            );
          }
        }
        // A group wholly before the resume point is already counted in the checkpoint's seed.
        if (index > start) seed = nextSeed(seed, rule);
      }
    }
    if (settings.make_grid && index > start) {
      yield stillFile(
        gridFileName(input.timestring, promptIndex, seed.seed),
        stillGrid(images, settings.grid_rows),
        null,
        checkpointAfter(index, seed),
      );
    }
  }
  yield { type: 'done', frameCount: index };
}

function stillFile(
  file: string,
  image: RawImage<'u8'>,
  image16: RawImage<'f32'> | null,
  checkpoint: Checkpoint | null,
): ImageFileEvent {
  return {
    type: 'image:file',
    file,
    image,
    ...(image16 !== null && { image16 }),
    ...(checkpoint !== null && { checkpoint }),
  };
}

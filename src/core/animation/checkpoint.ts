/**
 * The render loop's state after a finished frame: everything `renderAnimation({ resumeFrom })` needs to produce
 * the same remaining frames as a render that never stopped (issue 6 point 6; spec §24 item 48, F: the frame count
 * and the seed state are stored, not recounted from the folder as the notebook's resume does, spec §14).
 * The loop makes one with every `frame:done`; the caller stores it (the CLI next to the frames, a worker per frame
 * in its storage) with `encodeCheckpoint`, and reads it back with `decodeCheckpoint`.
 *
 * Depth is not part of it: the loop predicts depth afresh from the image it warps every time (spec §9.1, §22.2), so
 * no depth map outlives a step.
 */
import { z } from 'zod';
import type { Latent } from '../diffusion/tensor.js';
import type { ColorTarget } from '../image/color-coherence.js';
import type { RawImage } from '../image/raw-image.js';
import { SAMPLER_NAMES, type SamplerName } from '../settings/samplers.js';
import { decodeBinaryValue, encodeBinaryValue, type BinaryValue } from './checkpoint-codec.js';
import type { MovingOverlay } from './moving-overlay.js';
import type { SeedState } from './seeds.js';
import type { CadenceImages } from './tween-frame.js';

/** Bumped whenever the stored state changes meaning; an older file is refused with a clear message. */
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  readonly version: typeof CHECKPOINT_VERSION;
  /** Frames 0 … framesDone − 1 are finished; the next `frame:done` is frame `framesDone`. */
  readonly framesDone: number;
  /**
   * The index in `planRender(settings).steps` of the next step. It fixes the cadence position: which diffused
   * frames the two cadence images are (the step's `prev`/`next`), so their indices need no field of their own.
   */
  readonly nextStep: number;
  /** Cadence 1: the last generated sample, [1, 3, H, W] in −1…1 (the next init is made from it). */
  readonly previous: Latent | null;
  /** Cadence > 1: the older and newer diffused frames as float32 images, warped up to frame framesDone − 1. */
  readonly cadence: CadenceImages | null;
  /** The colour-coherence reference, already prepared; null before the first frame that sets one. */
  readonly colorTarget: ColorTarget | null;
  /** The seed state of the next generation (`args.seed`, `args.seed_internal`). */
  readonly seed: SeedState;
  /** The sticky scheduled sampler (spec §7). */
  readonly sampler: SamplerName;
  /**
   * `use_mask` with `overlay_mask`: the overlay mask and its source as moved up to frame framesDone − 1; null
   * without (files written before masks existed have none, which is what those runs had).
   */
  readonly overlay: MovingOverlay | null;
  /**
   * The run's settings that shape its frames, each as its JSON text (resume-settings.ts), so a resume with other
   * settings is refused with the list of what changed.
   */
  readonly settings: Readonly<Record<string, string>>;
}

const float32 = z.instanceof(Float32Array);
const float64 = z.instanceof(Float64Array);
const channels = z.union([z.literal(1), z.literal(3), z.literal(4)]);
const floatImage = z.object({
  format: z.literal('f32'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels,
  data: float32,
});

const checkpointSchema = z.object({
  version: z.literal(CHECKPOINT_VERSION),
  framesDone: z.number().int().nonnegative(),
  nextStep: z.number().int().nonnegative(),
  previous: z.object({ shape: z.array(z.number().int().nonnegative()), data: float32 }).nullable(),
  cadence: z.object({ prev: floatImage.nullable(), next: floatImage }).nullable(),
  colorTarget: z
    .object({
      space: z.enum(['RGB', 'HSV', 'LAB']),
      histogram: z.object({
        channels: z.number().int().positive(),
        tables: z.array(z.object({ values: float64, quantiles: float64 })),
      }),
    })
    .nullable(),
  seed: z.object({ seed: z.number().int(), seedInternal: z.number().int() }),
  sampler: z.enum(SAMPLER_NAMES),
  overlay: z.object({ mask: floatImage, source: floatImage.nullable() }).nullable().default(null),
  settings: z.record(z.string(), z.string()),
});

/** The compact bytes of a checkpoint (checkpoint-codec.ts): a few kB of JSON and the frames' typed arrays. */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const image = (im: RawImage<'f32'>): BinaryValue => ({ ...im });
  const { previous, cadence, colorTarget, overlay } = checkpoint;
  return encodeBinaryValue({
    version: checkpoint.version,
    framesDone: checkpoint.framesDone,
    nextStep: checkpoint.nextStep,
    seed: { seed: checkpoint.seed.seed, seedInternal: checkpoint.seed.seedInternal },
    sampler: checkpoint.sampler,
    settings: checkpoint.settings,
    previous: previous === null ? null : { shape: [...previous.shape], data: previous.data },
    overlay:
      overlay === null
        ? null
        : { mask: image(overlay.mask), source: overlay.source === null ? null : image(overlay.source) },
    cadence:
      cadence === null ? null : { prev: cadence.prev === null ? null : image(cadence.prev), next: image(cadence.next) },
    colorTarget:
      colorTarget === null
        ? null
        : {
            space: colorTarget.space,
            histogram: {
              channels: colorTarget.histogram.channels,
              tables: colorTarget.histogram.tables.map((t) => ({ values: t.values, quantiles: t.quantiles })),
            },
          },
  });
}

/** A checkpoint from its bytes; anything else (another file, an older version, a cut-off write) is a RangeError. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const value = decodeBinaryValue(bytes);
  const version = (value as { version?: unknown } | null)?.version;
  if (version !== CHECKPOINT_VERSION) {
    throw new RangeError(
      `the checkpoint has format version ${String(version)}; this engine reads ${CHECKPOINT_VERSION}`,
    );
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`the checkpoint is malformed at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
  }
  return parsed.data;
}

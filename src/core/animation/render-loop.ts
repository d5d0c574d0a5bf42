/**
 * The 2D/3D animation loop: Deforum v0.7.1 `render_animation` in the order of spec §22.2, as an async generator of
 * events (render-events.ts). For each step of the cadence plan:
 * - diffuse f: read frame f's keys; the init is the init image for frame 0 (strength = `strength`) or the previous
 *   sample through frame-chain.ts (strength = strength_schedule[f] clamped); prompts of frame f; the scheduled
 *   sampler when it is a k-diffusion name (sticky, spec §7); generate with the current seed; then `next_seed`.
 *   With cadence 1 the generated image is the frame (grayscaled with PIL's formula when forced); with cadence > 1
 *   it becomes the newer cadence image and is not written (spec §9.1 step 3);
 * - tween t: tween-frame.ts, and before the next diffusion the newer cadence image is the previous sample.
 * Hybrid video (hybrid-video.ts) reads the extracted video frames the caller hands in; `use_mask` masks travel
 * with each request, the overlay moving with the camera (moving-overlay.ts).
 * Speed (issue 6): the next generation starts as soon as its init is ready; the frames before it (a diffused
 * frame's preview; at cadence > 1 the in-betweens, the older image's warps, cross-fades, previews) are made and
 * handed out while it runs (step-events.ts), in the same order of events, and so is what the next init needs that
 * no image decides (init-ahead.ts). The loop state and its checkpoint are in loop-state.ts.
 * No file I/O: the caller writes every `frame:done` image. The signal is checked between frames and handed to
 * the generator, which may stop between sampler steps. Every `frame:done` carries the checkpoint after it
 * (checkpoint.ts); `resumeFrom` starts from one and yields exactly the events an uninterrupted run yields after it.
 */
import type { DepthModel } from '../diffusion/models/depth.js';
import { DeforumError } from '../errors.js';
import { createColorReference } from '../image/color-reference.js';
import { sampleFromPixels, sampleToPixels, type DrawnFrameNoise } from '../image/frame-noise.js';
import type { RawImage } from '../image/raw-image.js';
import type { DeforumSettings } from '../settings/schema.js';
import { bytesViaHalfSample, sampleToFloatPixels } from './cadence-images.js';
import type { Checkpoint } from './checkpoint.js';
import type { DiffuseStep } from './cadence.js';
import type { FrameGenerator } from './frame-generator.js';
import { prepareInit, type PreparedInit } from './frame-chain.js';
import { prepareNextInit } from './init-ahead.js';
import { depthPicturesOf } from './depth-pictures.js';
import { diffusedFrameDone, frameDone } from './frame-done.js';
import { prepareMasks, requestMask, type PreparedMasks } from './frame-masks.js';
import type { FrameSource } from './frame-source.js';
import { videoMseImages, type FrameGuidanceImages } from './hybrid-mse-image.js';
import { hybridVideoOf, type HybridVideo } from './hybrid-video.js';
import { movedRequestMask, startOverlay, type MovingOverlay } from './moving-overlay.js';
import type { RenderEvent } from './render-events.js';
import { planRender, type RenderPlan } from './render-plan.js';
import { frameShapingSettings } from './resume-settings.js';
import { checkpointOf, resumedState, type LoopState } from './loop-state.js';
import { checkRenderable, isHybridActive, type AnimatedSettings } from './render-support.js';
import { nextSeed, seedAtFrame } from './seeds.js';
import { generateWithSteps, type DeferredEvents } from './step-events.js';
import { advanceTween } from './tween-frame.js';

export interface RenderInput {
  /** 2D or 3D settings with a resolved seed (≥ 0) and W, H as the generator takes them. */
  settings: DeforumSettings;
  /** The init image of frame 0, W×H 8-bit RGB, or null to start from text alone. */
  init: RawImage<'u8'> | null;
  generate: FrameGenerator;
  /** Depth for the 3D warp with `use_depth_warping`; without one, 3D warps a flat scene (spec §10). */
  depthModel?: DepthModel | null;
  signal?: AbortSignal;
  /** Continue a run from the checkpoint of its last finished frame; its settings must shape frames the same way. */
  resumeFrom?: Checkpoint;
  /** Hybrid video: the extracted frames of `video_init_path` (at least max_frames of them). */
  video?: FrameSource | null;
  /** `use_mask`: the mask image as decoded, with its alpha (the init's for `use_alpha_as_mask`). */
  mask?: RawImage<'u8'> | null;
}

/** What the run reads from outside besides the generator, fixed for the whole run. */
interface RunMedia {
  hybrid: HybridVideo | null;
  masks: PreparedMasks | null;
  /** `hybrid_use_video_as_mse_image`: each diffused frame's init_mse image from the video. */
  guidanceImages: FrameGuidanceImages | null;
}

export async function* renderAnimation(input: RenderInput): AsyncGenerator<RenderEvent, void, undefined> {
  const settings = checkRenderable(input.settings);
  checkInit(input.init, settings);
  const plan = planRender(settings);
  const depthModel = settings.animation_mode === '3D' && settings.use_depth_warping ? (input.depthModel ?? null) : null;
  const pictures = depthPicturesOf(settings, input.depthModel ?? null);
  if (pictures !== null && input.resumeFrom !== undefined) throw depthResumeRefused();
  const media: RunMedia = {
    hybrid: hybridVideoOf(settings, isHybridActive(settings), input.video ?? null, plan.keys, pictures),
    masks: masksOf(settings, input.mask ?? null, input.init),
    guidanceImages: videoMseImages(settings, input.video ?? null),
  };
  const state: LoopState = {
    previous: null,
    cadence: null,
    color: createColorReference(plan.color),
    seed: plan.firstSeed,
    sampler: plan.firstSampler,
    overlay: media.masks === null ? null : startOverlay(media.masks),
  };
  const shaping = frameShapingSettings(settings);
  if (input.resumeFrom !== undefined) Object.assign(state, resumedState(input.resumeFrom, plan, settings));
  const checkpoint = (at: LoopState, nextStep: number, frame: number): Checkpoint =>
    checkpointOf(at, nextStep, frame + 1, shaping);
  // Finished frames are handed out while the next generation runs (step-events.ts): only the next init is on the
  // path between two generations, so at cadence 4 the older image's warps, the cross-fades, the previews and the
  // consumer's saving of three frames overlap with the model, and at cadence 1 the frame's preview and saving do.
  // A consumer that stops at a frame handed out this way stops the generation already under way (its result is
  // never used). Hybrid video keeps the original order: its motion reads the video. After the last generation
  // nothing is left to overlap with, so each frame is handed out as soon as it is made: the consumer saves and
  // encodes it while the loop makes the next (at cadence 4 the last block is a third of a 12-frame video).
  const defer = media.hybrid === null;
  const lastGeneration = plan.steps.findLastIndex((step) => step.kind === 'diffuse');
  const deferAt = (index: number): boolean => defer && index < lastGeneration;
  const pending: DeferredEvents[] = [];
  // The previous sample's 8-bit pixels, made once for both its written frame and the next init.
  let previousPixels: RawImage<'u8'> | null = null;
  // The next diffused frame's noise, drawn while the generation before it runs.
  let noiseAhead: DrawnFrameNoise | null = null;
  try {
    for (const [index, step] of plan.steps.entries()) {
      if (index < (input.resumeFrom?.nextStep ?? 0)) continue;
      input.signal?.throwIfAborted();
      if (step.kind === 'tween') {
        if (state.cadence === null) throw new Error(`cadence plan: tween ${step.frame} before any diffusion`);
        const tween = await advanceTween({
          step,
          next: state.cadence.next,
          camera: plan.camera,
          depthModel,
          forceGrayscale: settings.color_force_grayscale,
          hybrid: media.hybrid,
          overlay: state.overlay,
          depthToSave: pictures?.save === true ? pictures.model : null,
        });
        const { older } = state.cadence;
        state.cadence = { older, next: tween.next };
        state.overlay = tween.overlay;
        const at = { ...state };
        const moveOlder: DeferredEvents = async () => {
          older.image = await tween.moveOlder(older.image);
          return [];
        };
        const show: DeferredEvents = () => {
          const depth = pictures?.save === true && tween.depth !== null ? pictures.picture(tween.depth, true) : null;
          const done = frameDone(step.frame, 'tween', tween.frameWith(older.image));
          return [{ ...done, ...(depth !== null && { depth }), checkpoint: checkpoint(at, index + 1, step.frame) }];
        };
        if (deferAt(index)) pending.push(moveOlder, show);
        else yield* [...(await moveOlder()), ...(await show())];
        continue;
      }
      state.seed = seedAtFrame(state.seed, plan.seedRule, step.frame);
      // The init uses the noise up (its buffer becomes the sample).
      const noise = noiseAhead;
      noiseAhead = null;
      const init = await initFor(
        step,
        state,
        previousPixels,
        plan,
        settings,
        input.init,
        depthModel,
        media.hybrid,
        noise,
      );
      const keys = plan.keys.frame(step.frame);
      if (plan.scheduleSamplers && keys.samplerApplied !== null) state.sampler = keys.samplerApplied;
      const prompts = plan.prompts[step.frame] ?? { cond: '', uncond: '' };
      const strength = init === null ? null : step.initFrom === null ? settings.strength : keys.strengthClamped;
      const started: RenderEvent = {
        type: 'frame:started',
        frame: step.frame,
        seed: state.seed.seed,
        seedInternal: state.seed.seedInternal,
        sampler: state.sampler,
        prompts,
        strength,
        init: init?.image ?? null,
      };
      // While this generation runs, before the frames handed out (which may fill every step).
      const seedNow = state.seed;
      const ahead = () => {
        noiseAhead = prepareNextInit(plan, index, seedNow, { width: settings.W, height: settings.H });
      };
      const lead = { ...(defer && { ahead }), deferred: pending.splice(0), then: [...(init?.files ?? []), started] };
      const { sample } = yield* generateWithSteps(
        input.generate,
        {
          frame: step.frame,
          seed: state.seed.seed,
          prompt: prompts.cond,
          negativePrompt: prompts.uncond,
          sampler: state.sampler,
          steps: settings.steps,
          scale: settings.scale,
          width: settings.W,
          height: settings.H,
          ...(init !== null && strength !== null && { init: { sample: init.sample, strength } }),
          ...(media.masks !== null && { mask: maskFor(step, media.masks, init?.overlay ?? null) }),
          ...(media.guidanceImages !== null && { guidanceImages: await media.guidanceImages(step.frame) }),
          ...(input.signal && { signal: input.signal }),
        },
        lead,
      );
      if (init !== null) {
        state.color = init.color;
        state.overlay = init.overlay;
      }
      // The first generated frame is the image the overlay keeps from then on (spec §22.2 step 9).
      if (state.overlay !== null && state.overlay.source === null) {
        state.overlay = { ...state.overlay, source: sampleToFloatPixels(sample) };
      }
      state.seed = nextSeed(state.seed, plan.seedRule);
      if (step.writes) {
        state.previous = sample;
        const pixels = sampleToPixels(sample);
        previousPixels = pixels;
        const after = checkpoint(state, index + 1, step.frame);
        const show: DeferredEvents = async () => {
          const done = diffusedFrameDone(step.frame, sample, settings, pixels);
          // save_depth_maps: the depth of the new frame, predicted from its 8-bit image (spec §10).
          const depth =
            pictures?.save === true ? pictures.picture((await pictures.model.predict(pixels)).depth, true) : null;
          return [{ ...done, ...(depth !== null && { depth }), checkpoint: after }];
        };
        if (deferAt(index)) pending.push(show);
        else yield* await show();
      } else {
        state.cadence = { older: { image: state.cadence?.next ?? null }, next: sampleToFloatPixels(sample) };
      }
    }
  } catch (error) {
    // What finished before the failure is handed out first, as the original order would have.
    if (!(input.signal?.aborted ?? false)) for (const piece of pending.splice(0)) yield* await piece();
    throw error;
  }
  yield { type: 'done', frameCount: plan.frameCount };
}

/** The init of a diffused frame: the init image (frame 0) or the prepared previous frame; null for txt2img. */
async function initFor(
  step: DiffuseStep,
  state: LoopState,
  previousPixels: RawImage<'u8'> | null,
  plan: RenderPlan,
  settings: AnimatedSettings,
  initImage: RawImage<'u8'> | null,
  depthModel: DepthModel | null,
  hybrid: HybridVideo | null,
  noise: DrawnFrameNoise | null,
): Promise<PreparedInit | null> {
  if (step.initFrom === null) {
    // add_init_noise belongs to the generator: the original draws it inside generate() right after seeding.
    if (initImage === null) return null;
    const { color, overlay } = state;
    return { image: initImage, sample: sampleFromPixels(initImage), color, overlay, files: [] };
  }
  // With cadence the newer cadence image, warped through the in-betweens, is the previous sample (spec §9.1); only
  // its 8-bit pixels are read.
  const previous =
    state.cadence !== null
      ? bytesViaHalfSample(state.cadence.next)
      : (previousPixels ?? (state.previous === null ? null : sampleToPixels(state.previous)));
  if (previous === null) throw new Error(`cadence plan: frame ${step.frame} has no previous frame`);
  const series = plan.keys.series;
  const at = (values: Float64Array): number => values[step.frame] ?? NaN;
  return prepareInit({
    previous,
    frame: step.frame,
    camera: plan.camera,
    depthModel,
    color: state.color,
    forceGrayscale: settings.color_force_grayscale,
    keys: {
      contrast: at(series.contrast_schedule),
      kernel: plan.keys.frame(step.frame).kernel,
      sigma: at(series.sigma_schedule),
      amount: at(series.amount_schedule),
      threshold: at(series.threshold_schedule),
      noise: at(series.noise_schedule),
    },
    seed: state.seed.seed,
    noise,
    hybrid,
    overlay: state.overlay,
  });
}

/** Frame 0 overlays its own init; later frames the moved first frame (spec §15 "Overlay"). */
function maskFor(step: DiffuseStep, masks: PreparedMasks, overlay: MovingOverlay | null) {
  return step.initFrom === null ? requestMask(masks) : movedRequestMask(masks.latent, overlay);
}

/** The `use_mask` masks, prepared once; the original asserts an init for frame 0 and a mask image. */
function masksOf(
  settings: AnimatedSettings,
  mask: RawImage<'u8'> | null,
  init: RawImage<'u8'> | null,
): PreparedMasks | null {
  if (!settings.use_mask) return null;
  if (mask === null || init === null) {
    const missing = mask === null ? 'a mask image (mask_file or --mask)' : 'an init image for frame 0';
    throw new DeforumError(
      { code: 'settings_invalid', issues: [{ setting: 'use_mask', message: `needs ${missing}` }] },
      `use_mask needs ${missing}; give one, or set use_mask to false.`,
    );
  }
  return prepareMasks(mask, settings);
}

/** Depth pictures normalise with a running range over the whole run, which checkpoints do not carry yet. */
function depthResumeRefused(): DeforumError {
  const problem = {
    setting: 'save_depth_maps',
    given: 'true',
    reason:
      'depth pictures (save_depth_maps, Depth / Video Depth masks) use a running range over the whole run, which a ' +
      'resume cannot restore yet; render the run again from frame 0',
  };
  return new DeforumError(
    { code: 'setting_unsupported', ...problem },
    `${problem.setting} is ${problem.given}: ${problem.reason}.`,
  );
}

function checkInit(init: RawImage<'u8'> | null, settings: AnimatedSettings): void {
  if (init === null) return;
  if (init.width !== settings.W || init.height !== settings.H || init.channels !== 3) {
    throw new RangeError(
      `the init image is ${init.width}×${init.height}×${init.channels}; the render needs ${settings.W}×${settings.H} RGB ` +
        '(decode it with { size: { width: W, height: H } })',
    );
  }
}

/**
 * The `FrameGenerator` the animation loop calls (animation/frame-generator.ts), over loaded components: the
 * notebook's `generate()` for one request (spec §22.2 step 7). Per request it seeds torch's CPU generator with the
 * frame's seed (`seed_everything` comes before every draw of the generation), adds `init_noise` to an init loaded
 * from a file (drawn first, spec §15), runs `generateFrame` and, with `use_mask` and `overlay_mask`, composites the
 * decoded sample over the original (spec §15 "Overlay"). Settings fixed for the render are given once here.
 */
import type { FrameGenerator, GenerateRequest } from '../../animation/frame-generator.js';
import { generatorSeed } from '../../animation/seeds.js';
import { DeforumError } from '../../errors.js';
import { addFrameNoise } from '../../image/frame-noise.js';
import type { MaskPlane } from '../../image/mask.js';
import { overlayComposite, overlayMask } from '../../image/overlay-mask.js';
import type { Latent } from '../tensor.js';
import { createTorchGenerator } from '../torch-generator.js';
import type { Components } from './components.js';
import { generateFrame, type FrameSettings } from './generate-frame.js';
import { modelSchedule } from './model-schedule.js';

/** `add_init_noise` with `init_noise`: which requests' inits were loaded from a file (not a warped frame). */
export interface InitNoise {
  amount: number;
  /** `first`: stills and animation frame 0; `every`: Video Input, whose every frame is loaded from a file. */
  frames: 'first' | 'every';
}

/** The overlay for one frame: the W×H mask after `overlayMask` and the sample it keeps under the mask. */
export interface MaskOverlay {
  mask: MaskPlane;
  original: Latent;
}

/**
 * `use_mask`, per request, since the loop changes masks between frames (Video Input re-reads the mask file, 2D/3D
 * warp the overlay and its original, spec §15). `init` is the init sample the frame encoded.
 */
export interface FrameMask {
  latent(request: GenerateRequest): MaskPlane;
  /** `overlay_mask`; null when off. */
  overlay: ((request: GenerateRequest, init: Latent | undefined) => MaskOverlay) | null;
}

export interface DiffusionGeneratorOptions extends Omit<FrameSettings, 'latentMask'> {
  initNoise: InitNoise | null;
  mask: FrameMask | null;
  /** Prompt truncation and sampler substitution notices. */
  onWarning?: ((message: string) => void) | undefined;
}

export function createDiffusionGenerator(components: Components, options: DiffusionGeneratorOptions): FrameGenerator {
  const schedule = modelSchedule(components.scheduler);
  return async (request) => {
    const rng = createTorchGenerator(generatorSeed(request.seed));
    const noise = options.initNoise;
    const init =
      request.init !== undefined && noise !== null && (noise.frames === 'every' || request.frame === 0)
        ? { sample: addFrameNoise(request.init.sample, noise.amount, rng), strength: request.init.strength }
        : request.init;
    const frame = await generateFrame(
      components,
      schedule,
      { ...options, latentMask: options.mask?.latent(request) ?? null },
      {
        prompt: request.prompt,
        negativePrompt: request.negativePrompt,
        sampler: request.sampler,
        steps: request.steps,
        scale: request.scale,
        width: request.width,
        height: request.height,
        init,
        rng,
        onProgress: request.onStep,
        signal: request.signal,
      },
    );
    for (const warning of frame.warnings) options.onWarning?.(`frame ${request.frame}: ${warning}`);
    const overlay = options.mask?.overlay?.(request, init?.sample);
    return {
      sample: overlay === undefined ? frame.sample : overlayComposite(overlay.original, frame.sample, overlay.mask),
    };
  };
}

/**
 * A mask that stays the same for every frame (stills, or a render whose loop does not warp it): the latent plane
 * as given, and the overlay mask binarised and blurred once with `mask_overlay_blur`, kept over the frame's init
 * (the loaded init image, after `init_noise`, as `generate()` overlays it).
 */
export function fixedFrameMask(latentMask: MaskPlane, overlay: { mask: MaskPlane; blur: number } | null): FrameMask {
  const prepared = overlay === null ? null : overlayMask(overlay.mask, overlay.blur);
  return {
    latent: () => latentMask,
    overlay:
      prepared === null
        ? null
        : (request, init) => {
            if (init === undefined) {
              throw new DeforumError(
                {
                  code: 'settings_invalid',
                  issues: [{ setting: 'overlay_mask', message: 'overlay_mask needs an init image to overlay' }],
                },
                `frame ${request.frame}: overlay_mask keeps the init image under the mask, but this frame has no init. ` +
                  'Turn on use_init with an init image, or turn overlay_mask off.',
              );
            }
            return { mask: prepared, original: init };
          },
  };
}

/**
 * The `FrameGenerator` the animation loop calls (animation/frame-generator.ts), over loaded components: the
 * notebook's `generate()` for one request (spec §22.2 step 7). Per request it seeds torch's CPU generator with the
 * frame's seed (`seed_everything` comes before every draw of the generation), adds `init_noise` to an init loaded
 * from a file (drawn first, spec §15), runs `generateFrame` and, with `use_mask` and `overlay_mask`, composites the
 * decoded sample over the original (spec §15 "Overlay"); masks come with each request. Settings fixed for the
 * render are given once here.
 */
import type { FrameGenerator } from '../../animation/frame-generator.js';
import { generatorSeed } from '../../animation/seeds.js';
import { DeforumError } from '../../errors.js';
import { addFrameNoise } from '../../image/frame-noise.js';
import { overlayComposite } from '../../image/overlay-mask.js';
import { createTorchGenerator } from '../torch-generator.js';
import type { Components } from './components.js';
import { generateFrame, type FrameSettings } from './generate-frame.js';
import { modelSchedule } from './model-schedule.js';
import { rememberingTextEncoder } from './remembered-text-encoder.js';

/** `add_init_noise` with `init_noise`: which requests' inits were loaded from a file (not a warped frame). */
export interface InitNoise {
  amount: number;
  /** `first`: stills and animation frame 0; `every`: Video Input, whose every frame is loaded from a file. */
  frames: 'first' | 'every';
}

export interface DiffusionGeneratorOptions extends Omit<FrameSettings, 'latentMask'> {
  initNoise: InitNoise | null;
  /** Prompt truncation and sampler substitution notices. */
  onWarning?: ((message: string) => void) | undefined;
}

export function createDiffusionGenerator(components: Components, options: DiffusionGeneratorOptions): FrameGenerator {
  const schedule = modelSchedule(components.scheduler);
  // Frames repeat their prompts until the next keyframe: each distinct prompt is encoded once.
  const models: Components = { ...components, textEncoder: rememberingTextEncoder(components.textEncoder) };
  return async (request) => {
    const rng = createTorchGenerator(generatorSeed(request.seed));
    const noise = options.initNoise;
    const init =
      request.init !== undefined && noise !== null && (noise.frames === 'every' || request.frame === 0)
        ? { sample: addFrameNoise(request.init.sample, noise.amount, rng), strength: request.init.strength }
        : request.init;
    const frame = await generateFrame(
      models,
      schedule,
      { ...options, latentMask: request.mask?.latent ?? null },
      {
        prompt: request.prompt,
        negativePrompt: request.negativePrompt,
        promptBlend: request.promptBlend,
        sampler: request.sampler,
        steps: request.steps,
        scale: request.scale,
        width: request.width,
        height: request.height,
        init,
        guidanceImages: request.guidanceImages,
        rng,
        onProgress: request.onStep,
        signal: request.signal,
      },
    );
    for (const warning of frame.warnings) options.onWarning?.(`frame ${request.frame}: ${warning}`);
    const overlay = request.mask?.overlay ?? null;
    if (overlay === null) return { sample: frame.sample };
    const original = overlay.original === 'init' ? init?.sample : overlay.original;
    if (original === undefined) throw overlayWithoutInit(request.frame);
    return { sample: overlayComposite(original, frame.sample, overlay.mask) };
  };
}

function overlayWithoutInit(frame: number): DeforumError {
  return new DeforumError(
    {
      code: 'settings_invalid',
      issues: [{ setting: 'overlay_mask', message: 'overlay_mask needs an init image to overlay' }],
    },
    `frame ${frame}: overlay_mask keeps the init image under the mask, but this frame has no init. ` +
      'Turn on use_init with an init image, or turn overlay_mask off.',
  );
}

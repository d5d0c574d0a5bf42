/**
 * One diffusion frame, the notebook's `generate()` from the seeded generator to the decoded sample (spec §6, §15,
 * §17, §22.2 step 7; golden samplers.json): encode both prompts → t_enc from strength → the truncated k-diffusion
 * sigmas (built for every sampler: the mask schedule reads them) → VAE-encode the init (posterior draw) →
 * SamplerCallback (mask-noise draw) → start latent (start-noise draw) → the registry's sampler over the CFG
 * denoiser (denoiser.ts) → VAE decode. Random draws come from the one given generator in exactly that order.
 * k-samplers start from init + N(0,1)·σ0 (N(0,1)·σ0 without an init). DDIM with an init and strength > 0 noises
 * the init to entry t_enc and runs the first t_enc entries with no callback (ldm `decode`); otherwise DDIM/PLMS
 * run text-to-image from unscaled noise. PLMS with an init runs as klms, the notebook's startup rule.
 */
import { DeforumError } from '../../errors.js';
import { createRawImage, type RawImage } from '../../image/raw-image.js';
import type { MaskPlane } from '../../image/mask.js';
import { guidedDenoiser, guidedEpsPredictor, type GuidanceOptions, type ModelFn } from '../denoiser.js';
import { conditionedDenoiser } from '../guidance/conditioned-denoiser.js';
import { frameConditioning } from '../guidance/frame-conditioning.js';
import type { GuidanceImages, RenderGuidance } from '../guidance/guidance-settings.js';
import type { UNet } from '../models/unet.js';
import {
  ddimSchedule,
  img2imgStepCount,
  truncateDdimSchedule,
  truncateSigmas,
  type DdimSchedule,
} from '../noise-schedule.js';
import type { Rng } from '../rng.js';
import { ddimStochasticEncode } from '../samplers/ddim.js';
import { SAMPLERS, type SamplerName } from '../samplers/index.js';
import { latent, type Latent } from '../tensor.js';
import type { ThresholdSettings } from '../threshold.js';
import type { Components } from './components.js';
import type { ModelSchedule } from './model-schedule.js';
import { createSamplerCallback } from './sampler-callback.js';

/** The render-fixed settings `generate()` reads (Deforum names where they are settings). */
export interface FrameSettings extends ThresholdSettings {
  /** Only DDIM reads it; the notebook forces it to 0 for every other sampler. */
  ddim_eta: number;
  /** One UNet call on the batch [uncond, cond] when the export allows it (spec §19). */
  cond_uncond_sync: boolean;
  /** The strength of a generation without an init: 0 with `strength_0_no_init` (the default), else `strength`. */
  strengthWithoutInit: number;
  /** A1111-style 75-token windows instead of truncation (docs/deviations.md). */
  chunkedPrompts: boolean;
  /** `use_mask`: the latent mask at (W/8)×(H/8) from `prepareMask`; null when off. */
  latentMask: MaskPlane | null;
  /** Conditional guidance (spec §18), k-samplers only; absent or all scales 0: off. */
  guidance?: RenderGuidance | undefined;
}

export interface FrameRequest {
  prompt: string;
  negativePrompt: string;
  /** Interpolation: both embeddings moved linearly towards this pair's by `weight` (spec §13, item 52 B: linear). */
  promptBlend?: { prompt: string; negativePrompt: string; weight: number } | undefined;
  sampler: SamplerName;
  steps: number;
  scale: number;
  /** Multiples of 8 (settings round them to 64); the latent is (H/8)×(W/8). */
  width: number;
  height: number;
  /** img2img: the init as a sample tensor [1, 3, H, W] in [-1, 1] and the fraction of it to keep. */
  init?: { sample: Latent; strength: number } | undefined;
  /** This frame's guidance images in place of the render's (hybrid_use_video_as_mse_image: its video frame). */
  guidanceImages?: Partial<GuidanceImages> | undefined;
  rng: Rng;
  /** Steps done so far (1-based) and the planned total. */
  onProgress?: ((step: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface FrameResult {
  /** The sampler's final latent (scaled, as the UNet sees it). */
  latent: Latent;
  /** The decoded sample in about [-1, 1], before any mask overlay. */
  sample: Latent;
  /** Prompt truncation and sampler substitution notices, for the caller to log. */
  warnings: string[];
}

export async function generateFrame(
  components: Components,
  schedule: ModelSchedule,
  settings: FrameSettings,
  request: FrameRequest,
): Promise<FrameResult> {
  checkRequest(request);
  const warnings: string[] = [];
  const { rng, steps, init } = request;
  const samplerName = request.sampler === 'plms' && init !== undefined ? 'klms' : request.sampler;
  if (samplerName !== request.sampler) warnings.push('plms cannot start from an init image; klms runs instead.');

  const embed = async (text: string, which: string): Promise<Latent> => {
    const tokens = components.tokenizer.encode(text, { chunked: settings.chunkedPrompts });
    if (tokens.truncatedAt !== undefined) warnings.push(`${which}: ${tokens.truncatedAt}`);
    return components.textEncoder.encode(tokens);
  };
  const blend = request.promptBlend;
  const conditioning = async (text: string, towards: string | undefined, which: string): Promise<Latent> => {
    const from = await embed(text, which);
    return blend === undefined || towards === undefined
      ? from
      : lerpLatent(from, await embed(towards, which), blend.weight);
  };
  const cond = await conditioning(request.prompt, blend?.prompt, 'prompt');
  // The original drops the unconditional embedding at scale 1; the denoiser then makes one conditional call.
  const uncond =
    request.scale === 1 ? cond : await conditioning(request.negativePrompt, blend?.negativePrompt, 'negative prompt');

  const strength = init === undefined ? settings.strengthWithoutInit : init.strength;
  const tEnc = img2imgStepCount(strength, steps);
  const sigmas = truncateSigmas(schedule.discrete.getSigmas(steps), tEnc);
  const shape = [1, 4, request.height / 8, request.width / 8];
  const initLatent = init === undefined ? null : await components.vaeEncoder.encode(init.sample, rng);
  // After the init's encode and before the callback's draw, as generate() prepares its losses (guidance/).
  const conditioningHook =
    settings.guidance === undefined
      ? null
      : await frameConditioning(withFrameImages(settings.guidance, request.guidanceImages), {
          sigmas,
          fullSigmas: schedule.discrete.getSigmas(steps),
          width: request.width,
          height: request.height,
          condUncondSync: settings.cond_uncond_sync,
          sampler: samplerName,
          encode: (sample) => components.vaeEncoder.encode(sample, rng),
        });
  if (settings.latentMask !== null && initLatent === null) {
    throw new DeforumError(
      { code: 'settings_invalid', issues: [{ setting: 'use_mask', message: 'use_mask needs an init image' }] },
      'use_mask is on but this frame has no init image to keep under the mask. Turn on use_init with an init ' +
        'image, or turn use_mask off.',
    );
  }

  const entry = SAMPLERS[samplerName];
  const guidance: GuidanceOptions = {
    model: unetModel(components.unet),
    parameterization: schedule.parameterization,
    cond,
    uncond,
    scale: request.scale,
    batchCondUncond: settings.cond_uncond_sync && components.unet.batchesPair && cond.shape[1] === uncond.shape[1],
  };
  // SamplerCallback is built after the posterior draw and before the start noise (its mask-noise draw).
  const callback = (ddim: DdimSchedule | null, active: boolean) =>
    createSamplerCallback({
      rng,
      thresholds: settings,
      mask: settings.latentMask,
      initLatent,
      sigmas,
      ddim,
      active,
      onProgress: request.onProgress,
    });
  const signal = request.signal === undefined ? {} : { signal: request.signal };

  let final: Latent;
  if (entry.kind === 'k-diffusion') {
    const onStep = callback(null, true);
    const sigma0 = Math.fround(sigmas[0] ?? 0);
    // The start latent is written over the noise it is made of: no second array, no callback per element.
    const start = rng.randn(shape);
    const init = initLatent?.data;
    for (let i = 0; i < start.length; i++) start[i] = (init?.[i] ?? 0) + Math.fround((start[i] as number) * sigma0);
    const denoise =
      conditioningHook === null
        ? guidedDenoiser(schedule.discrete, guidance)
        : conditionedDenoiser(schedule.discrete, guidance, conditioningHook);
    final = await entry.sample(latent(shape, start), sigmas, { denoise, rng, onStep, steps, ...signal });
  } else {
    const eta = samplerName === 'ddim' ? settings.ddim_eta : 0;
    const full = ddimSchedule(schedule.alphasCumprod, steps, eta, schedule.stepsOffset);
    const predictEps = guidedEpsPredictor(schedule.alphasCumprod, guidance);
    if (initLatent !== null && strength > 0) {
      // ldm's decode() takes no callback: no thresholds and no latent mask (spec §15), progress only.
      const onStep = callback(full, false);
      const start = ddimStochasticEncode(initLatent, rng.randn(shape), full, tEnc);
      final = await entry.sample(start, truncateDdimSchedule(full, tEnc), { predictEps, rng, onStep, ...signal });
    } else {
      const onStep = callback(full, true);
      final = await entry.sample({ shape, data: rng.randn(shape) }, full, { predictEps, rng, onStep, ...signal });
    }
  }
  request.signal?.throwIfAborted();
  const sample = await components.vaeDecoder.decode(final);
  return { latent: final, sample, warnings };
}

/**
 * `c_k + (c_{k+1} − c_k)·t` in float32, the interpolation the notebook applies to text embeddings. Two prompts of
 * different chunk counts (chunked prompts only) cannot be blended.
 */
function lerpLatent(from: Latent, to: Latent, weight: number): Latent {
  if (from.data.length !== to.data.length) {
    throw new DeforumError(
      {
        code: 'frame_request_invalid',
        field: 'promptBlend',
        expected: `[${from.shape.join(', ')}]`,
        got: `[${to.shape.join(', ')}]`,
      },
      'Interpolation blends two prompt embeddings of one length; with chunked prompts keep both prompts within the ' +
        'same number of 75-token chunks.',
    );
  }
  const t = Math.fround(weight);
  const data = from.data.map((a, i) => Math.fround(a + Math.fround(Math.fround((to.data[i] ?? 0) - a) * t)));
  return latent(from.shape, data);
}

/** The UNet as the denoiser's model function: every batch element shares one timestep in these samplers. */
function unetModel(unet: UNet): ModelFn {
  return (x, t, context) => unet.predict(x, t[0] ?? 0, context);
}

function checkRequest(request: FrameRequest): void {
  const { width, height, init } = request;
  if (!(width > 0 && height > 0 && width % 8 === 0 && height % 8 === 0)) {
    throw invalidRequest('W/H', 'positive multiples of 8', `${width}×${height}`, 'The settings round W and H to 64.');
  }
  if (!(Number.isInteger(request.steps) && request.steps >= 1)) {
    throw invalidRequest('steps', 'a whole number ≥ 1', String(request.steps), 'Set steps to 1 or more.');
  }
  if (init === undefined) return;
  const expected = [1, 3, height, width];
  if (init.sample.shape.length !== 4 || init.sample.shape.some((size, axis) => size !== expected[axis])) {
    throw invalidRequest(
      'init.sample',
      `[${expected.join(', ')}] (one RGB sample of the frame's size, in −1…1)`,
      `[${init.sample.shape.join(', ')}]`,
      'Resize the init image to W×H and convert it to a sample before generating.',
    );
  }
}

function invalidRequest(field: string, expected: string, got: string, advice: string): DeforumError {
  return new DeforumError(
    { code: 'frame_request_invalid', field, expected, got },
    `generate: ${field} must be ${expected}, got ${got}. ${advice}`,
  );
}

/**
 * [1, 3, H, W] sample → RGB u8 as the notebook saves it (spec §2): clamp((x + 1) / 2, 0, 1), then 255·x truncated,
 * each step in float32 as torch and numpy compute it.
 */
export function sampleToImage(sample: Latent): RawImage<'u8'> {
  const [, channels = 3, height = 0, width = 0] = sample.shape;
  if (channels !== 3) throw new RangeError(`a decoded sample has 3 channels, got ${channels}`);
  const image = createRawImage('u8', width, height, 3);
  const plane = width * height;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      const unit = Math.min(1, Math.max(0, Math.fround(Math.fround((sample.data[c * plane + i] ?? 0) + 1) / 2)));
      image.data[i * 3 + c] = Math.trunc(Math.fround(255 * unit));
    }
  }
  return image;
}

/** The render's guidance with this frame's images put in (none given: the render's own). */
function withFrameImages(guidance: RenderGuidance, images: Partial<GuidanceImages> | undefined): RenderGuidance {
  return images === undefined ? guidance : { ...guidance, images: { ...guidance.images, ...images } };
}

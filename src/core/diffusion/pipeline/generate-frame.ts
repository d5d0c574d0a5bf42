/**
 * One diffusion frame, in the order of the notebook's `generate()` (spec §6, §15, §17; golden samplers.json):
 * encode both prompts → sigmas for steps and strength → starting latent (noise·σ0 for txt2img; for img2img the
 * VAE-encoded init plus noise·σ0) → sampler over a CFG denoiser built from the UNet → VAE decode → 8-bit image.
 * Random draws come from the one given generator in the reference's order: posterior sample of the init, the
 * mask noise `SamplerCallback` draws even without a mask, then the start noise.
 * The sampler, the sigma schedule and the ε/v → x0 denoiser are injected, so this module knows only their contracts.
 */
import { createRawImage, type RawImage } from '../../image/raw-image.js';
import type { GuidancePair, UNet } from '../models/unet.js';
import type { Rng } from '../rng.js';
import type { Denoise, Sampler, StepInfo } from '../samplers/sampler.js';
import { latent, type Latent } from '../tensor.js';
import type { Components } from './components.js';
import type { PredictionType } from './scheduler-config.js';

export interface DenoiserInput {
  unet: UNet;
  /** Text embeddings, [1, seq, width] each. */
  contexts: GuidancePair;
  scale: number;
  predictionType: PredictionType;
}

export interface FrameDeps {
  sampler: Sampler;
  /** The k-diffusion sigmas for `steps`, keeping the last t_enc + 1 for img2img (noise-schedule.ts). */
  sigmasFor: (steps: number, strength: number) => Float32Array;
  /** ε or v → x0 with classifier-free guidance (denoiser.ts). */
  makeDenoise: (input: DenoiserInput) => Denoise;
}

export interface FrameRequest {
  prompt: string;
  negativePrompt: string;
  /** Multiples of 64 (settings round them); the latent is (H/8)×(W/8). */
  width: number;
  height: number;
  steps: number;
  scale: number;
  /** img2img: the init as a sample tensor [1, 3, H, W] in [-1, 1]; without it strength is 0 (`strength_0_no_init`). */
  init?: { sample: Latent; strength: number };
  rng: Rng;
  /** A1111-style 75-token windows instead of truncation (docs/deviations.md). */
  chunkedPrompts?: boolean;
  onStep?: (step: StepInfo) => void;
  signal?: AbortSignal;
}

export interface FrameResult {
  /** The sampler's final latent (scaled, as the UNet sees it). */
  latent: Latent;
  /** The decoded sample in about [-1, 1], what Deforum carries to the next frame. */
  sample: Latent;
  image: RawImage<'u8'>;
  /** Prompt truncation notices, for the caller to log. */
  warnings: string[];
}

export async function generateFrame(
  components: Components,
  deps: FrameDeps,
  request: FrameRequest,
): Promise<FrameResult> {
  const warnings: string[] = [];
  const embed = async (text: string, which: string): Promise<Latent> => {
    const tokens = components.tokenizer.encode(text, { chunked: request.chunkedPrompts === true });
    if (tokens.truncatedAt !== undefined) warnings.push(`${which}: ${tokens.truncatedAt}`);
    return components.textEncoder.encode(tokens);
  };
  const contexts = {
    cond: await embed(request.prompt, 'prompt'),
    uncond: await embed(request.negativePrompt, 'negative prompt'),
  };

  const strength = request.init === undefined ? 0 : request.init.strength;
  const sigmas = deps.sigmasFor(request.steps, strength);
  const sigma0 = sigmas[0] ?? 0;
  const shape = [1, 4, request.height / 8, request.width / 8];

  let start: Latent;
  if (request.init === undefined) {
    start = latent(
      shape,
      request.rng.randn(shape).map((value) => value * sigma0),
    );
  } else {
    const initLatent = await components.vaeEncoder.encode(request.init.sample, request.rng);
    // SamplerCallback's mask noise: drawn even without a mask, so the start noise is the reference's next draw.
    request.rng.randn(initLatent.shape);
    const noise = request.rng.randn(initLatent.shape);
    start = latent(
      initLatent.shape,
      initLatent.data.map((value, i) => value + (noise[i] ?? 0) * sigma0),
    );
  }

  const denoise = deps.makeDenoise({
    unet: components.unet,
    contexts,
    scale: request.scale,
    predictionType: components.scheduler.predictionType,
  });
  const final = await deps.sampler(start, sigmas, {
    denoise,
    rng: request.rng,
    ...(request.onStep === undefined ? {} : { onStep: request.onStep }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  const sample = await components.vaeDecoder.decode(final);
  return { latent: final, sample, image: sampleToImage(sample), warnings };
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

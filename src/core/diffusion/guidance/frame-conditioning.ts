/**
 * Builds one frame's conditioning hook from the render's guidance (spec §18), as `generate()` prepares its loss
 * functions: with linear decoding the init-MSE target and the colour-match palette image are VAE-encoded and
 * linearly decoded. Each encode draws its posterior noise from the frame's generator, init_mse first, after the
 * init's own encode and before the sampler callback's draw, so later draws (start noise) stay where the
 * notebook has them. The palette is k-means with random state 0 over the decoded palette image's pixels.
 */
import { DeforumError } from '../../errors.js';
import { sampleFromPixels } from '../../image/frame-noise.js';
import type { RawImage } from '../../image/raw-image.js';
import type { SamplerName } from '../samplers/index.js';
import { refusalError, samplerRefusal, unsupportedGuidance } from './refused-guidance.js';
import type { Latent } from '../tensor.js';
import { colorMatchLoss } from './color-match-loss.js';
import { createConditioningHook, type ConditioningHook, type GuidanceTarget } from './conditioning-hook.js';
import { gradientClamp } from './grad-threshold.js';
import { GUIDANCE_SCALES, isGuidanceActive, type RenderGuidance } from './guidance-settings.js';
import type { DecodedImage, ImageLoss, ScaledLoss } from './image-loss.js';
import { injectTimingFn } from './inject-timing.js';
import { kmeansPalette } from './kmeans.js';
import { linearDecode, createLinearDecoder } from './linear-decoder.js';
import { blueLoss, exposureLoss, initMseLoss, meanLoss, varLoss } from './pixel-losses.js';

export interface FrameGuidanceContext {
  /** The frame's truncated sigmas (what its sampler walks). */
  sigmas: Float32Array;
  /** The full `steps + 1` sigmas (the gradient clamp schedule). */
  fullSigmas: Float32Array;
  width: number;
  height: number;
  condUncondSync: boolean;
  /** The sampler the frame runs; guidance exists for the k-diffusion samplers only. */
  sampler: SamplerName;
  /** The VAE encoder with the frame's generator: [1, 3, H, W] sample → scaled latent. */
  encode(sample: Latent): Promise<Latent>;
}

/** The frame's hook, or null when every scale is 0. */
export async function frameConditioning(
  guidance: RenderGuidance,
  frame: FrameGuidanceContext,
): Promise<ConditioningHook | null> {
  const { settings, images } = guidance;
  if (!isGuidanceActive(settings)) return null;
  const refused = [...unsupportedGuidance(settings), samplerRefusal(frame.sampler, settings)];
  const first = refused.find((refusal) => refusal !== null);
  if (first !== undefined && first !== null) throw refusalError(first);

  const mse =
    settings.init_mse_scale === 0
      ? null
      : initMseLoss(
          await decodedImage(requireImage(images.init_mse_image, 'init_mse_image', 'init_mse_scale'), frame, true),
        );
  const colorMatch =
    settings.colormatch_scale === 0
      ? null
      : colorMatchLoss(
          kmeansPalette(
            interleave(
              await decodedImage(
                requireImage(images.colormatch_image, 'colormatch_image', 'colormatch_scale'),
                frame,
                false,
              ),
            ),
            settings.colormatch_n_colors,
          ),
          settings.ignore_sat_weight,
        );
  // clip_scale and aesthetics_scale were refused above.
  const lossOf: Record<(typeof GUIDANCE_SCALES)[number], ImageLoss | null> = {
    clip_scale: null,
    blue_scale: blueLoss,
    mean_scale: meanLoss,
    exposure_scale: exposureLoss(settings.exposure_target),
    var_scale: varLoss,
    init_mse_scale: mse,
    colormatch_scale: colorMatch,
    aesthetics_scale: null,
  };
  const losses = GUIDANCE_SCALES.flatMap((scale): ScaledLoss[] => {
    const loss = lossOf[scale];
    return settings[scale] === 0 || loss === null ? [] : [{ loss, scale: settings[scale] }];
  });
  const target: GuidanceTarget = frame.condUncondSync ? 'combined' : settings.gradient_add_to;
  return createConditioningHook({
    target,
    appliesAt: injectTimingFn(settings.grad_inject_timing, frame.sigmas),
    losses,
    decoder: createLinearDecoder(),
    clamp: gradientClamp(settings, frame.fullSigmas),
    wrt: { kind: 'x0_pred' },
  });
}

function requireImage(image: RawImage<'u8'> | null, setting: string, scale: string): RawImage<'u8'> {
  if (image !== null) return image;
  throw new DeforumError(
    { code: 'settings_invalid', issues: [{ setting, message: `${scale} is not 0 and needs ${setting}` }] },
    `${scale} is not 0 but no ${setting} was given to the renderer. Set ${setting} to a local image file, or set ` +
      `${scale} to 0.`,
  );
}

async function decodedImage(image: RawImage<'u8'>, frame: FrameGuidanceContext, atFrameSize: boolean) {
  if (image.channels !== 3) throw new RangeError(`guidance images are RGB, got ${image.channels} channels`);
  if (atFrameSize && (image.width !== frame.width || image.height !== frame.height)) {
    throw new RangeError(
      `init_mse_image is ${image.width}×${image.height}; load it stretched to the frame's ${frame.width}×${frame.height}`,
    );
  }
  return linearDecode(await frame.encode(sampleFromPixels(image)));
}

/** [1, 3, h, w] planes → interleaved RGB triples, the pixels k-means clusters. */
function interleave(image: DecodedImage): Float64Array {
  const pixels = image.data.length / 3;
  const out = new Float64Array(image.data.length);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out[3 * p + c] = Math.fround(image.data[c * pixels + p] ?? 0);
  }
  return out;
}

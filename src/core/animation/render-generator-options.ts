/**
 * What a render's settings ask of the diffusion runtime, in one place for `deforum render` and the worker: the
 * generator's render-fixed options and whether a depth model must be loaded.
 */
import type { DiffusionGeneratorOptions, InitNoise } from '../diffusion/pipeline/diffusion-generator.js';
import type { RenderGuidance } from '../diffusion/guidance/guidance-settings.js';
import type { DeforumSettings } from '../settings/schema.js';
import { usesDepthPictures } from './depth-pictures.js';

export function generatorOptionsFor(
  settings: DeforumSettings,
  extras: { guidance?: RenderGuidance | undefined; onWarning?: (message: string) => void },
): DiffusionGeneratorOptions {
  return {
    ddim_eta: settings.ddim_eta,
    cond_uncond_sync: settings.cond_uncond_sync,
    dynamic_threshold: settings.dynamic_threshold,
    static_threshold: settings.static_threshold,
    // The notebook's hidden strength_0_no_init: a generation without an init is text-to-image.
    strengthWithoutInit: 0,
    chunkedPrompts: false,
    initNoise: settings.add_init_noise ? { amount: settings.init_noise, frames: initNoiseFrames(settings) } : null,
    onWarning: extras.onWarning,
    guidance: extras.guidance,
  };
}

/** 3D warping with depth, saved depth maps and the depth composite masks all read the depth model. */
export function needsDepthModel(settings: DeforumSettings): boolean {
  return (settings.animation_mode === '3D' && settings.use_depth_warping) || usesDepthPictures(settings);
}

/** Only 2D/3D feed warped frames back; every other mode loads each init from a file (spec §15 add_init_noise). */
function initNoiseFrames(settings: DeforumSettings): InitNoise['frames'] {
  return settings.animation_mode === '2D' || settings.animation_mode === '3D' ? 'first' : 'every';
}

/** The render-fixed generation settings at the notebook's defaults (no thresholds, no masks, no init noise). */
import type { DiffusionGeneratorOptions } from '../../src/core/diffusion/pipeline/diffusion-generator.js';
import type { FrameSettings } from '../../src/core/diffusion/pipeline/generate-frame.js';

export const PLAIN_FRAME_SETTINGS: FrameSettings = {
  ddim_eta: 0,
  dynamic_threshold: null,
  static_threshold: null,
  cond_uncond_sync: true,
  strengthWithoutInit: 0,
  chunkedPrompts: false,
  latentMask: null,
};

const { latentMask: _unused, ...generatorSettings } = PLAIN_FRAME_SETTINGS;

export const PLAIN_GENERATOR_OPTIONS: DiffusionGeneratorOptions = { ...generatorSettings, initNoise: null };

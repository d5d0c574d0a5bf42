/**
 * What the animation loop asks of the diffusion runtime for one diffused frame: the notebook's `generate()` call
 * with the values the loop sets per frame. Settings that stay fixed for a render (ddim_eta, thresholds, masks,
 * guidance) are given when the generator is built, so the loop never sees a model.
 */
import type { Latent } from '../diffusion/tensor.js';
import type { SamplerName } from '../settings/samplers.js';

export interface GenerateRequest {
  readonly frame: number;
  readonly seed: number;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly scale: number;
  readonly width: number;
  readonly height: number;
  /** The prepared previous frame (or the init image) in sample space, [1, 3, H, W] in −1…1, and its strength. */
  readonly init?: { readonly sample: Latent; readonly strength: number };
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, total: number) => void;
}

export interface GenerateResult {
  /** The decoded frame in sample space, [1, 3, H, W] in −1…1 (the loop's "previous sample"). */
  readonly sample: Latent;
}

export type FrameGenerator = (request: GenerateRequest) => Promise<GenerateResult>;

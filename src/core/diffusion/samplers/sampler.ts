/**
 * The sampler contract, shaped like k-diffusion's sampling functions (style.md B4): a sampler owns its loop over
 * the sigmas and calls the denoiser, which returns the prediction of x0 with classifier-free guidance applied.
 */
import type { Rng } from '../rng.js';
import type { Latent } from '../tensor.js';

export type Denoise = (x: Latent, sigma: number) => Promise<Latent>;

export interface StepInfo {
  step: number;
  total: number;
  sigma: number;
  /** The current latent x, after the step's update (k-diffusion's callback `x`). */
  x: Latent;
  denoised: Latent;
}

export interface SamplerContext {
  denoise: Denoise;
  rng: Rng;
  onStep?: (step: StepInfo) => void;
  signal?: AbortSignal;
}

export type Sampler = (x: Latent, sigmas: Float32Array, ctx: SamplerContext) => Promise<Latent>;

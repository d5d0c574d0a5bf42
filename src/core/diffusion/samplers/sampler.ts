/**
 * The sampler contract, shaped like k-diffusion's sampling functions (style.md B4): a sampler owns its loop over
 * the sigmas and calls the denoiser, which returns the prediction of x0 with classifier-free guidance applied.
 * The CompVis samplers (DDIM, PLMS) work in eps space over integer timesteps and have their own contract
 * (`CompVisSampler`); the registry (`index.ts`) tags every entry with its kind.
 */
import type { DdimSchedule } from '../noise-schedule.js';
import type { Rng } from '../rng.js';
import type { Latent } from '../tensor.js';

export type Denoise = (x: Latent, sigma: number) => Promise<Latent>;

export interface StepInfo {
  step: number;
  /** Steps planned; dpm_adaptive reports its running estimate, exact on its last call. */
  total: number;
  sigma: number;
  /**
   * The current latent, as k-diffusion's callback gets it: before the step's update for the k-samplers, after it
   * for DDIM/PLMS (ldm's img_callback). A callback may change `x.data` in place (Deforum's thresholds and mask
   * do); the sampler continues from the changed values, as the original does.
   */
  x: Latent;
  denoised: Latent;
}

export interface SamplerContext {
  denoise: Denoise;
  rng: Rng;
  onStep?: (step: StepInfo) => void;
  signal?: AbortSignal;
  /**
   * The render's `steps` before img2img truncation. Only dpm_fast reads it: it spends that many model
   * evaluations whatever the length of `sigmas`, as Deforum calls it. Defaults to `sigmas.length − 1`.
   */
  steps?: number;
}

export type Sampler = (x: Latent, sigmas: Float32Array, ctx: SamplerContext) => Promise<Latent>;

/** The guided eps prediction at an integer DDPM timestep (CFG already applied, in eps space). */
export type PredictEps = (x: Latent, t: number) => Promise<Latent>;

export interface CompVisContext {
  predictEps: PredictEps;
  rng: Rng;
  onStep?: (step: StepInfo) => void;
  signal?: AbortSignal;
}

/** Runs the schedule's entries from the last (noisiest) to the first. */
export type CompVisSampler = (x: Latent, schedule: DdimSchedule, ctx: CompVisContext) => Promise<Latent>;

/**
 * Deforum's `SamplerCallback` (helpers/callback.py) for one generation: the per-step hook that applies the latent
 * thresholds and the latent mask (spec §15, §17) to the sampler's current latent in place, and reports progress.
 * - Built before the start noise is drawn, as the original builds it: with an init latent it draws one N(0,1)
 *   latent (the mask noise) even without a mask, so the start noise is the generator's next draw (golden
 *   samplers.json, "Order of random draws").
 * - Mask schedule: the truncated k-diffusion sigmas divided by their maximum, sorted ascending. At step i the
 *   positions with m ≥ schedule[i] and m ≠ 0 are overwritten by the init noised to the step's level: init + ε·σ
 *   for the k-samplers, ldm `stochastic_encode` at DDIM entry `len(sigmas) − i − 1` for DDIM/PLMS.
 * Deliberate difference (spec §24 item 40, F): the DPM solvers call back more often than the schedule has entries
 * (dpm_adaptive once per attempt, dpm_fast `steps` times over a shortened list) and DDIM's first entry index is
 * one past its schedule; the original then indexes past the end and crashes. Both indexes are clamped to the last
 * entry instead (docs/deviations.md).
 */
import type { MaskPlane } from '../../image/mask.js';
import type { DdimSchedule } from '../noise-schedule.js';
import type { Rng } from '../rng.js';
import { ddimStochasticEncode } from '../samplers/ddim.js';
import type { StepInfo } from '../samplers/sampler.js';
import type { Latent } from '../tensor.js';
import { applyThresholds, type ThresholdSettings } from '../threshold.js';

export interface SamplerCallbackOptions {
  rng: Rng;
  thresholds: ThresholdSettings;
  /** The latent mask at (W/8)×(H/8), applied alike to the 4 latent channels; null without `use_mask`. */
  mask: MaskPlane | null;
  initLatent: Latent | null;
  /** The generation's truncated k-diffusion sigmas (for every sampler: the original builds them first). */
  sigmas: Float32Array;
  /** DDIM/PLMS: the full DDIM schedule the mask re-noises the init with; k-samplers: null. */
  ddim: DdimSchedule | null;
  /**
   * False where the original passes no callback (DDIM img2img's `decode`): thresholds and mask are skipped and
   * only progress is reported.
   */
  active: boolean;
  /** Steps done so far (1-based) and the sampler's planned total. */
  onProgress?: ((step: number, total: number) => void) | undefined;
}

export function createSamplerCallback(options: SamplerCallbackOptions): (step: StepInfo) => void {
  const { initLatent, mask, thresholds } = options;
  const noise = initLatent === null ? null : options.rng.randn(initLatent.shape);
  const schedule = maskSchedule(options.sigmas);
  const hasThresholds = thresholds.dynamic_threshold !== null || thresholds.static_threshold !== null;

  return (step) => {
    if (options.active) {
      if (hasThresholds) applyThresholds(step.x, thresholds);
      if (mask !== null && initLatent !== null && noise !== null && schedule.length > 0) {
        const threshold = schedule[Math.min(step.step, schedule.length - 1)] ?? 1;
        const noised = noisedInit(initLatent, noise, step, options);
        overwriteMasked(step.x, noised, mask, threshold);
      }
    }
    options.onProgress?.(step.step + 1, step.total);
  };
}

/** `torch.sort(sigmas / torch.max(sigmas))` in float32. */
function maskSchedule(sigmas: Float32Array): Float32Array {
  const max = sigmas.reduce((a, b) => Math.max(a, b), 0);
  if (!(max > 0)) return new Float32Array(0);
  return sigmas.map((sigma) => sigma / max).sort();
}

function noisedInit(init: Latent, noise: Float32Array, step: StepInfo, options: SamplerCallbackOptions): Float32Array {
  if (options.ddim !== null) {
    const last = options.ddim.timesteps.length - 1;
    const index = Math.min(options.sigmas.length - step.step - 1, last);
    return ddimStochasticEncode(init, noise, options.ddim, index).data;
  }
  const sigma = Math.fround(step.sigma);
  const out = new Float32Array(init.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (init.data[i] ?? 0) + Math.fround((noise[i] ?? 0) * sigma);
  return out;
}

function overwriteMasked(x: Latent, noised: Float32Array, mask: MaskPlane, threshold: number): void {
  const plane = mask.width * mask.height;
  if (x.data.length % plane !== 0) {
    throw new RangeError(
      `the latent mask is ${mask.width}×${mask.height} but the latent is [${x.shape.join(', ')}]; ` +
        'prepare the latent mask at (W/8)×(H/8).',
    );
  }
  for (let i = 0; i < x.data.length; i++) {
    const m = mask.data[i % plane] ?? 0;
    if (m >= threshold && m !== 0) x.data[i] = noised[i] ?? 0;
  }
}

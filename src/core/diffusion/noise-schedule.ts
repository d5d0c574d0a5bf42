/**
 * The discrete noise schedule of a latent diffusion model: betas → alphas_cumprod → sigmas, sigma ↔ t, the sigma
 * list a k-diffusion sampler walks, Deforum's img2img truncation, and the CompVis DDIM/PLMS timestep schedule.
 *
 * References: ldm `DDPM.register_schedule` (betas in float64, `alphas_cumprod` stored as a float32 buffer),
 * k-diffusion `external.DiscreteSchedule` (`sigmas`, `log_sigmas` in float32; `sigma_to_t`, `t_to_sigma`,
 * `get_sigmas`), Deforum `generate()` (`t_enc`, keep the last `t_enc + 1` sigmas) and ldm
 * `make_ddim_timesteps` / `make_ddim_sampling_parameters`. Values are computed in float64 from the float32
 * tables and rounded to float32 where the reference stores float32, so they match it within 1e-6 relative.
 */

/** Beta schedules by their diffusers `beta_schedule` names. ldm's `"linear"` is diffusers' `scaled_linear`. */
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';

/** The fields of a diffusers scheduler config that define the training schedule. */
export interface BetaScheduleConfig {
  betaSchedule: BetaSchedule;
  betaStart: number;
  betaEnd: number;
  numTrainTimesteps: number;
  /** Added to every DDIM timestep; ldm always adds 1, as SD's diffusers config (`steps_offset: 1`) does. */
  stepsOffset: number;
}

/** Stable Diffusion 1.x/2.x (configs/v1-inference.yaml). */
export const SD_SCHEDULE: BetaScheduleConfig = {
  betaSchedule: 'scaled_linear',
  betaStart: 0.00085,
  betaEnd: 0.012,
  numTrainTimesteps: 1000,
  stepsOffset: 1,
};

/** numpy/torch `linspace` in float64: the end point is exact. */
function linspace(start: number, end: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const step = count > 1 ? (end - start) / (count - 1) : 0;
  for (let i = 0; i < count; i++) out[i] = i === count - 1 && count > 1 ? end : start + step * i;
  return out;
}

export function makeBetas(config: BetaScheduleConfig): Float64Array {
  const n = config.numTrainTimesteps;
  switch (config.betaSchedule) {
    case 'linear':
      return linspace(config.betaStart, config.betaEnd, n);
    case 'scaled_linear':
      return linspace(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), n).map((b) => b * b);
    case 'squaredcos_cap_v2': {
      // diffusers betas_for_alpha_bar: Nichol & Dhariwal's cosine schedule, betas capped at 0.999.
      const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      const betas = new Float64Array(n);
      for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
      return betas;
    }
  }
}

/** cumprod(1 − betas) in float64, stored as float32 as the model's buffer is. */
export function alphasCumprod(betas: Float64Array): Float32Array {
  const out = new Float32Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) {
    product *= 1 - (betas[i] ?? 0);
    out[i] = product;
  }
  return out;
}

/** k-diffusion's DiscreteSchedule over a model's alphas_cumprod. */
export interface DiscreteSchedule {
  /** sqrt((1 − ᾱ)/ᾱ) per training timestep, float32. */
  readonly sigmas: Float32Array;
  readonly logSigmas: Float32Array;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  /** Fractional timestep of a sigma: linear in log sigma between neighbouring integer t, clamped to [0, T − 1]. */
  sigmaToT(sigma: number): number;
  /** exp of the log-sigma interpolated linearly at fractional t. */
  tToSigma(t: number): number;
  /** `append_zero(t_to_sigma(linspace(T − 1, 0, steps)))`: steps + 1 sigmas ending at 0. */
  getSigmas(steps: number): Float32Array;
}

export function discreteSchedule(alphasCumprod: Float32Array): DiscreteSchedule {
  const count = alphasCumprod.length;
  const sigmas = new Float32Array(count);
  const logSigmas = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const ac = alphasCumprod[i] ?? 1;
    sigmas[i] = Math.sqrt((1 - ac) / ac);
    logSigmas[i] = Math.log(sigmas[i] ?? 0);
  }
  const logAt = (i: number): number => logSigmas[i] ?? 0;

  const sigmaToT = (sigma: number): number => {
    const logSigma = Math.log(sigma);
    // The largest i with log_sigmas[i] <= log(sigma), clamped to T − 2 (k-diffusion's cumsum/argmax).
    let low = 0;
    let high = count - 1;
    if (logAt(0) > logSigma) low = 0;
    else {
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (logAt(mid) <= logSigma) low = mid;
        else high = mid - 1;
      }
    }
    low = Math.min(low, count - 2);
    const w = Math.min(1, Math.max(0, (logAt(low) - logSigma) / (logAt(low) - logAt(low + 1))));
    return Math.fround((1 - w) * low + w * (low + 1));
  };

  const tToSigma = (t: number): number => {
    const low = Math.floor(t);
    const w = t - low;
    return Math.fround(Math.exp((1 - w) * logAt(low) + w * logAt(Math.ceil(t))));
  };

  const getSigmas = (steps: number): Float32Array => {
    const out = new Float32Array(steps + 1);
    const ts = linspace(count - 1, 0, steps);
    for (let i = 0; i < steps; i++) out[i] = tToSigma(Math.fround(ts[i] ?? 0));
    return out;
  };

  return {
    sigmas,
    logSigmas,
    sigmaMin: sigmas[0] ?? 0,
    sigmaMax: sigmas[count - 1] ?? 0,
    sigmaToT,
    tToSigma,
    getSigmas,
  };
}

/**
 * Deforum's number of img2img steps: `int((1 − strength) · steps)` in IEEE double with truncation, so
 * strength 0.9 at 10 steps gives 0 (0.9999999999999998), as the original (spec §6, §24 item 38, B).
 */
export function img2imgStepCount(strength: number, steps: number): number {
  return Math.trunc((1 - strength) * steps);
}

/** The last `tEnc + 1` sigmas (Deforum drops the noisiest ones for img2img); `[0]` when tEnc is 0. */
export function truncateSigmas(sigmas: Float32Array, tEnc: number): Float32Array {
  return sigmas.slice(Math.max(0, sigmas.length - tEnc - 1));
}

/**
 * The DDIM/PLMS schedule, entry i for the i-th lowest timestep. A sampler runs the entries from the last to the
 * first; img2img (`decode`) runs only the first t_enc of them (`truncateDdimSchedule`).
 */
export interface DdimSchedule {
  /** `range(0, T, T // steps) + stepsOffset`: more than `steps` entries when T is not a multiple of steps. */
  readonly timesteps: Int32Array;
  /** ᾱ at each timestep (float32 values). */
  readonly alphas: Float64Array;
  /** ᾱ of the previous timestep; ᾱ[0] before the first. */
  readonly alphasPrev: Float64Array;
  /** eta · sqrt((1 − ᾱ_prev)/(1 − ᾱ) · (1 − ᾱ/ᾱ_prev)). */
  readonly sigmas: Float64Array;
}

export function ddimSchedule(
  alphasCumprod: Float32Array,
  steps: number,
  eta: number,
  stepsOffset = SD_SCHEDULE.stepsOffset,
): DdimSchedule {
  const stride = Math.floor(alphasCumprod.length / steps);
  if (!Number.isInteger(steps) || steps < 1 || stride < 1) {
    throw new RangeError(`DDIM needs between 1 and ${alphasCumprod.length} steps, got ${steps}`);
  }
  const count = Math.ceil(alphasCumprod.length / stride);
  const timesteps = new Int32Array(count);
  const alphas = new Float64Array(count);
  const alphasPrev = new Float64Array(count);
  const sigmas = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    timesteps[i] = i * stride + stepsOffset;
    alphas[i] = alphasCumprod[i * stride + stepsOffset] ?? Number.NaN;
    alphasPrev[i] = i === 0 ? (alphasCumprod[0] ?? Number.NaN) : (alphas[i - 1] ?? Number.NaN);
    const a = alphas[i] ?? 0;
    const prev = alphasPrev[i] ?? 0;
    sigmas[i] = eta * Math.sqrt(((1 - prev) / (1 - a)) * (1 - a / prev));
  }
  return { timesteps, alphas, alphasPrev, sigmas };
}

/** The first `tEnc` entries: what ldm's `decode(x, cond, t_start = t_enc)` runs. */
export function truncateDdimSchedule(schedule: DdimSchedule, tEnc: number): DdimSchedule {
  return {
    timesteps: schedule.timesteps.slice(0, tEnc),
    alphas: schedule.alphas.slice(0, tEnc),
    alphasPrev: schedule.alphasPrev.slice(0, tEnc),
    sigmas: schedule.sigmas.slice(0, tEnc),
  };
}

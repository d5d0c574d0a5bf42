/**
 * The loops the samplers share, so that each sampler file holds only its step maths. k-diffusion's sampling
 * functions all walk the σ list the same way (model call at σ_i, callback, update of the live x towards σ_{i+1});
 * ldm's DDIM and PLMS both walk the DDIM timesteps from the noisiest, ending each step with a DDIM update and
 * img_callback.
 */
import type { DdimSchedule } from '../noise-schedule.js';
import type { Latent } from '../tensor.js';
import type { CompVisContext, SamplerContext } from './sampler.js';
import { ddimSigma, ddimUpdate } from './ddim-step.js';
import { cloneLatent, toDerivative } from './math.js';

export interface KStep {
  i: number;
  sigma: number;
  /** σ_{i+1}, 0 on the last step of a full schedule. */
  next: number;
  /** The live latent: the step updates `x.data` in place, after `report()` so a callback's edits carry over. */
  x: Latent;
  denoised: Latent;
  /** Calls `ctx.onStep` for this step; a step calls it once, where its reference calls its callback. */
  report: () => void;
  /** The step's ancestral noise N(0, 1), where `drawsNoise` said the step draws it; else undefined. */
  noise: Float32Array | undefined;
}

/**
 * Runs `step` for σ_0 … σ_{n−2} on a copy of `start` and returns it. `drawsNoise(σ, σ_next)`: whether the step
 * draws one N(0, 1) latent after its model calls, as the ancestral samplers do; the loop draws it while the
 * step's first model call is in flight. The denoiser never draws, so the stream's order stays the reference's,
 * and with the inference worker (onnx/worker-host.ts) the draw, about 2% of a 25 ms UNet call on one core
 * (bench/diffusion.bench.ts), leaves the critical path.
 */
export function kStepLoop(
  start: Latent,
  sigmas: Float32Array,
  ctx: SamplerContext,
  step: (s: KStep) => void | Promise<void>,
  drawsNoise?: (sigma: number, next: number) => boolean,
): Promise<Latent> {
  return loop(start, sigmas, ctx, step, false, drawsNoise);
}

export interface ChurnStep extends Omit<KStep, 'report' | 'noise'> {
  /** k-diffusion `to_d(x, σ, denoised)`, taken before the callback ran. */
  d: Float32Array;
}

/**
 * The loop of k-diffusion's euler, heun and dpm_2 with s_churn = 0: each step draws its churn noise before the
 * model call and discards it (so the random stream stays in step with the original's), takes d, then calls back.
 */
export function churnStepLoop(
  start: Latent,
  sigmas: Float32Array,
  ctx: SamplerContext,
  step: (s: ChurnStep) => void | Promise<void>,
): Promise<Latent> {
  return loop(
    start,
    sigmas,
    ctx,
    ({ report, noise: _none, ...s }) => {
      const d = toDerivative(s.x, s.denoised, s.sigma);
      report();
      return step({ ...s, d });
    },
    true,
  );
}

async function loop(
  start: Latent,
  sigmas: Float32Array,
  ctx: SamplerContext,
  step: (s: KStep) => void | Promise<void>,
  churnDraw: boolean,
  drawsNoise?: (sigma: number, next: number) => boolean,
): Promise<Latent> {
  const x = cloneLatent(start);
  const total = sigmas.length - 1;
  for (let i = 0; i < total; i++) {
    ctx.signal?.throwIfAborted();
    const sigma = sigmas[i] ?? 0;
    const next = sigmas[i + 1] ?? 0;
    // Drawn and discarded: only the stream's position matters, so a generator that can skip does.
    if (churnDraw) {
      if (ctx.rng.skipRandn) ctx.rng.skipRandn(x.shape);
      else ctx.rng.randn(x.shape);
    }
    const pending = ctx.denoise(x, sigma);
    const noise = drawsNoise?.(sigma, next) === true ? ctx.rng.randn(x.shape) : undefined;
    const denoised = await pending;
    const report = (): void => ctx.onStep?.({ step: i, total, sigma, x, denoised });
    await step({ i, sigma, next, x, denoised, report, noise });
  }
  return x;
}

export interface CompVisStep {
  /** The schedule entry of this step (the loop runs them from the last to the first). */
  index: number;
  x: Latent;
  /** The eps prediction at the entry's timestep. */
  e: Float32Array;
}

/**
 * Runs the schedule's entries from the noisiest on a copy of `start`: eps prediction, `epsForUpdate` (the eps
 * the DDIM update uses), DDIM update, then `onStep` with x_prev and pred_x0.
 */
export async function compVisStepLoop(
  start: Latent,
  schedule: DdimSchedule,
  ctx: CompVisContext,
  epsForUpdate: (s: CompVisStep) => Float32Array | Promise<Float32Array>,
): Promise<Latent> {
  let x = cloneLatent(start);
  const total = schedule.timesteps.length;
  for (let i = 0; i < total; i++) {
    ctx.signal?.throwIfAborted();
    const index = total - 1 - i;
    const e = (await ctx.predictEps(x, schedule.timesteps[index] ?? 0)).data;
    const { xPrev, predX0 } = ddimUpdate(x, await epsForUpdate({ index, x, e }), schedule, index, ctx.rng);
    x = xPrev;
    ctx.onStep?.({ step: i, total, sigma: ddimSigma(schedule, index), x, denoised: predX0 });
  }
  return x;
}

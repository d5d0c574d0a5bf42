/**
 * DPM-Solver-Fast: `steps` model evaluations spread over equal steps in t = −log σ from the first σ to the
 * smallest non-zero σ, third order except the last one or two steps. Reference: k-diffusion `sample_dpm_fast`
 * with eta 0, called by Deforum with n = steps, σ_max = sigmas[0], σ_min = sigmas[−2]; so img2img spends all
 * `steps` evaluations over the shortened range, and the result is left at σ_min, not 0 (both kept).
 * Each step draws one normal that eta 0 multiplies by 0, as the reference does.
 * Deliberate difference (spec §24 item 40, F): with no step to run (`sigmas` = [0], strength 1) the reference
 * raises "sigma_min and sigma_max must not be 0"; this returns the start latent, as every other sampler does.
 */
import type { Sampler } from './sampler.js';
import { cloneLatent, discardRandn } from './math.js';
import {
  cachedEps,
  denoisedFromEps,
  dpmSolver1Step,
  dpmSolver2Step,
  dpmSolver3Step,
  sigmaOfT,
  solverTimeRange,
  type EpsCache,
} from './dpm-solver.js';

/** The solver orders for `evaluations` model calls: k-diffusion's fixed split into third-order steps. */
export function dpmFastOrders(evaluations: number): number[] {
  const stepCount = Math.floor(evaluations / 3) + 1;
  return evaluations % 3 === 0
    ? [...Array<number>(stepCount - 2).fill(3), 2, 1]
    : [...Array<number>(stepCount - 1).fill(3), evaluations % 3];
}

export const dpmFast: Sampler = async (start, sigmas, ctx) => {
  let x = cloneLatent(start);
  const range = solverTimeRange(sigmas);
  if (!range) return x;
  const { tStart, tEnd } = range;
  const orders = dpmFastOrders(ctx.steps ?? sigmas.length - 1);
  // torch.linspace in float32, m + 1 points.
  const ts = Array.from({ length: orders.length + 1 }, (_, i) =>
    i === orders.length ? tEnd : Math.fround(tStart + ((tEnd - tStart) * i) / orders.length),
  );
  for (let i = 0; i < orders.length; i++) {
    ctx.signal?.throwIfAborted();
    const t = ts[i] ?? 0;
    const tNext = ts[i + 1] ?? 0;
    const cache: EpsCache = {};
    const e = await cachedEps(ctx.denoise, cache, 'eps', x, t);
    ctx.onStep?.({ step: i, total: orders.length, sigma: sigmaOfT(t), x, denoised: denoisedFromEps(x, e, t) });
    const order = orders[i];
    if (order === 1) x = await dpmSolver1Step(ctx.denoise, x, t, tNext, cache);
    else if (order === 2) x = await dpmSolver2Step(ctx.denoise, x, t, tNext, cache);
    else x = await dpmSolver3Step(ctx.denoise, x, t, tNext, cache);
    discardRandn(ctx.rng, x.shape);
  }
  return x;
};

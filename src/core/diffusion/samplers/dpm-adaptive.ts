/**
 * DPM-Solver-23 with adaptive step size: each step compares a second- and a third-order estimate (3 model
 * evaluations) and a PID controller (I only) accepts or rejects it and sets the next step size. Reference:
 * k-diffusion `sample_dpm_adaptive` with Deforum's parameters: order 3, rtol 0.05, atol 0.0078, h_init 0.05,
 * pcoeff 0, icoeff 1, dcoeff 0, accept_safety 0.81, eta 0. It runs from sigmas[0] to the smallest non-zero σ and
 * ignores `steps`. The callback comes after every attempt, accepted or not, with x after it (as the reference);
 * `total` is a running estimate. One normal is drawn per accepted step (times 0), as the reference does.
 * Deliberate difference (spec §24 item 40, F): with no step to run (`sigmas` = [0]) the reference raises
 * "sigma_min and sigma_max must not be 0"; this returns the start latent.
 */
import type { Latent } from '../tensor.js';
import type { Sampler } from './sampler.js';
import { cloneLatent, discardRandn } from './math.js';
import {
  cachedEps,
  denoisedFromEps,
  dpmSolver2Step,
  dpmSolver3Step,
  sigmaOfT,
  solverTimeRange,
  type EpsCache,
} from './dpm-solver.js';

const RTOL = 0.05;
const ATOL = 0.0078;
const H_INIT = 0.05;
const ORDER = 3;
const ACCEPT_SAFETY = 0.81;
const ERROR_EPS = 1e-8;

/** k-diffusion's PIDStepSizeController with pcoeff 0, icoeff 1, dcoeff 0: factor = (1/error)^(1/order), limited. */
function proposeStep(state: { h: number }, error: number): boolean {
  const factor = 1 + Math.atan((1 / (error + ERROR_EPS)) ** (1 / ORDER) - 1);
  state.h *= factor;
  return factor >= ACCEPT_SAFETY;
}

/** RMS of (low − high)/max(atol, rtol·max(|low|, |previous|)). */
function scaledError(low: Latent, high: Latent, previous: Latent): number {
  let sum = 0;
  for (let i = 0; i < low.data.length; i++) {
    const l = low.data[i] ?? 0;
    const delta = Math.max(ATOL, RTOL * Math.max(Math.abs(l), Math.abs(previous.data[i] ?? 0)));
    sum += ((l - (high.data[i] ?? 0)) / delta) ** 2;
  }
  return Math.fround(Math.sqrt(sum) / Math.sqrt(low.data.length));
}

export const dpmAdaptive: Sampler = async (start, sigmas, ctx) => {
  let x = cloneLatent(start);
  const range = solverTimeRange(sigmas);
  if (!range) return x;
  const { tStart, tEnd } = range;
  const controller = { h: H_INIT };
  let s = tStart;
  let previous = x;
  let attempts = 0;
  while (s < tEnd - 1e-5) {
    ctx.signal?.throwIfAborted();
    // The reference holds s and t as float32 tensors.
    const t = Math.fround(Math.min(tEnd, s + controller.h));
    const cache: EpsCache = {};
    const e = await cachedEps(ctx.denoise, cache, 'eps', x, s);
    const denoised = denoisedFromEps(x, e, s);
    const low = await dpmSolver2Step(ctx.denoise, x, s, t, cache, 1 / 3);
    const high = await dpmSolver3Step(ctx.denoise, x, s, t, cache);
    if (proposeStep(controller, scaledError(low, high, previous))) {
      previous = low;
      discardRandn(ctx.rng, x.shape);
      x = high;
      s = t;
    }
    attempts++;
    const remaining = tEnd - s > 1e-5 ? Math.ceil((tEnd - s) / controller.h) : 0;
    ctx.onStep?.({ step: attempts - 1, total: attempts + remaining, sigma: sigmaOfT(s), x, denoised });
  }
  return x;
};

/**
 * One DDIM update from the eps prediction, shared by DDIM and PLMS. Reference: ldm `p_sample_ddim` and PLMS's
 * `get_x_prev_and_pred_x0`: pred_x0 = (x − sqrt(1 − ᾱ)·e)/sqrt(ᾱ), x_prev = sqrt(ᾱ_prev)·pred_x0 +
 * sqrt(1 − ᾱ_prev − σ²)·e + σ·noise. The noise is drawn on every call, also when σ = 0, as the reference does;
 * at σ = 0 a generator with `skipRandn` only advances its stream (the same positions; σ·noise is a zero, so x_prev
 * equals the reference's, up to the sign of an exact zero).
 * The coefficients are rounded to float32 as ldm's `torch.full` tensors hold them.
 */
import type { DdimSchedule } from '../noise-schedule.js';
import type { Rng } from '../rng.js';
import type { Latent } from '../tensor.js';
import { latentLike } from './math.js';

export interface DdimUpdate {
  xPrev: Latent;
  predX0: Latent;
}

export function ddimUpdate(x: Latent, e: Float32Array, schedule: DdimSchedule, index: number, rng: Rng): DdimUpdate {
  const a = Math.fround(schedule.alphas[index] ?? Number.NaN);
  const aPrev = Math.fround(schedule.alphasPrev[index] ?? Number.NaN);
  const sigma = Math.fround(schedule.sigmas[index] ?? Number.NaN);
  const sqrtOneMinusA = Math.fround(Math.sqrt(1 - a));
  const sqrtA = Math.sqrt(a);
  const sqrtAPrev = Math.sqrt(aPrev);
  const dirScale = Math.sqrt(1 - aPrev - sigma * sigma);
  const xs = x.data;
  const n = xs.length;
  const predX0 = new Float32Array(n);
  const xPrev = new Float32Array(n);
  // σ = 0 (eta 0, and every PLMS step): the draw only advances the stream, and σ·noise adds a zero, so a generator
  // that can skip does, without computing 16K normals per step.
  if (sigma === 0 && rng.skipRandn) {
    rng.skipRandn(x.shape);
    for (let i = 0; i < n; i++) {
      const ei = e[i] ?? 0;
      const p = ((xs[i] as number) - sqrtOneMinusA * ei) / sqrtA;
      predX0[i] = p;
      xPrev[i] = sqrtAPrev * p + dirScale * ei;
    }
  } else {
    const noise = rng.randn(x.shape);
    for (let i = 0; i < n; i++) {
      const ei = e[i] ?? 0;
      const p = ((xs[i] as number) - sqrtOneMinusA * ei) / sqrtA;
      predX0[i] = p;
      xPrev[i] = sqrtAPrev * p + dirScale * ei + sigma * (noise[i] ?? 0);
    }
  }
  return { xPrev: latentLike(x, xPrev), predX0: latentLike(x, predX0) };
}

/** The k-diffusion σ of a DDIM entry, sqrt((1 − ᾱ)/ᾱ), reported to callbacks so every sampler speaks σ. */
export function ddimSigma(schedule: DdimSchedule, index: number): number {
  const a = schedule.alphas[index] ?? Number.NaN;
  return Math.sqrt((1 - a) / a);
}

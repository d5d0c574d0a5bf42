/**
 * DPM-Solver's first-, second- and third-order steps in t = −log σ (Lu et al. 2022), shared by dpm_fast and
 * dpm_adaptive. Reference: k-diffusion `DPMSolver` (`eps`, `dpm_solver_{1,2,3}_step`), including its per-step
 * cache, so the adaptive solver's low- and high-order estimates share their model evaluations.
 */
import type { Latent } from '../tensor.js';
import type { Denoise } from './sampler.js';
import { latentLike, toDerivative } from './math.js';

export const sigmaOfT = (t: number): number => Math.exp(-t);
export const tOfSigma = (sigma: number): number => -Math.log(sigma);

/**
 * The t range dpm_fast and dpm_adaptive cover as Deforum calls them, σ_max = sigmas[0] to σ_min = sigmas[−2] (the
 * smallest non-zero σ), rounded to float32 as the reference's tensors hold them; null when there is no step to run.
 */
export function solverTimeRange(sigmas: Float32Array): { tStart: number; tEnd: number } | null {
  if (sigmas.length < 2) return null;
  return {
    tStart: Math.fround(tOfSigma(sigmas[0] ?? 0)),
    tEnd: Math.fround(tOfSigma(sigmas[sigmas.length - 2] ?? 0)),
  };
}

/** The eps predictions of one step, keyed as the reference caches them. */
export interface EpsCache {
  eps?: Float32Array;
  epsR1?: Float32Array;
  epsR2?: Float32Array;
}

/** The reference's `eps`: (x − denoised)/σ(t), the same values as `to_d`. */
async function eps(denoise: Denoise, x: Latent, t: number): Promise<Float32Array> {
  const sigma = sigmaOfT(t);
  return toDerivative(x, await denoise(x, sigma), sigma);
}

export async function cachedEps(
  denoise: Denoise,
  cache: EpsCache,
  key: keyof EpsCache,
  x: Latent,
  t: number,
): Promise<Float32Array> {
  const hit = cache[key];
  if (hit) return hit;
  const value = await eps(denoise, x, t);
  cache[key] = value;
  return value;
}

/** x − a·e0 − b·(e1 − e0), element-wise (x − a·e0 without e1: subtracting the 0 changed no value). */
function update(x: Float32Array, a: number, e0: Float32Array, b = 0, e1?: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  if (e1 === undefined) {
    for (let i = 0; i < out.length; i++) out[i] = (x[i] as number) - a * (e0[i] as number);
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    const base = e0[i] as number;
    out[i] = (x[i] as number) - a * base - b * ((e1[i] as number) - base);
  }
  return out;
}

export async function dpmSolver1Step(
  denoise: Denoise,
  x: Latent,
  t: number,
  tNext: number,
  cache: EpsCache,
): Promise<Latent> {
  const e = await cachedEps(denoise, cache, 'eps', x, t);
  return latentLike(x, update(x.data, sigmaOfT(tNext) * Math.expm1(tNext - t), e));
}

export async function dpmSolver2Step(
  denoise: Denoise,
  x: Latent,
  t: number,
  tNext: number,
  cache: EpsCache,
  r1 = 1 / 2,
): Promise<Latent> {
  const h = tNext - t;
  const e = await cachedEps(denoise, cache, 'eps', x, t);
  const s1 = t + r1 * h;
  const u1 = latentLike(x, update(x.data, sigmaOfT(s1) * Math.expm1(r1 * h), e));
  const e1 = await cachedEps(denoise, cache, 'epsR1', u1, s1);
  const sigmaNext = sigmaOfT(tNext);
  return latentLike(x, update(x.data, sigmaNext * Math.expm1(h), e, (sigmaNext / (2 * r1)) * Math.expm1(h), e1));
}

export async function dpmSolver3Step(
  denoise: Denoise,
  x: Latent,
  t: number,
  tNext: number,
  cache: EpsCache,
  r1 = 1 / 3,
  r2 = 2 / 3,
): Promise<Latent> {
  const h = tNext - t;
  const e = await cachedEps(denoise, cache, 'eps', x, t);
  const s1 = t + r1 * h;
  const s2 = t + r2 * h;
  const u1 = latentLike(x, update(x.data, sigmaOfT(s1) * Math.expm1(r1 * h), e));
  const e1 = await cachedEps(denoise, cache, 'epsR1', u1, s1);
  const sigma2 = sigmaOfT(s2);
  const u2 = latentLike(
    x,
    update(x.data, sigma2 * Math.expm1(r2 * h), e, sigma2 * (r2 / r1) * (Math.expm1(r2 * h) / (r2 * h) - 1), e1),
  );
  const e2 = await cachedEps(denoise, cache, 'epsR2', u2, s2);
  const sigmaNext = sigmaOfT(tNext);
  return latentLike(x, update(x.data, sigmaNext * Math.expm1(h), e, (sigmaNext / r2) * (Math.expm1(h) / h - 1), e2));
}

/** The denoised prediction the reference hands its callback: x − σ(t)·eps. */
export function denoisedFromEps(x: Latent, e: Float32Array, t: number): Latent {
  return latentLike(x, update(x.data, sigmaOfT(t), e));
}

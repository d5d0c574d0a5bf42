/**
 * Maths shared by the samplers (k-diffusion `to_d`, `get_ancestral_step`, `linear_multistep_coeff`) and the
 * element-wise latent updates they are made of. Each update is one fused loop writing one new array, rather than
 * a tensor per operation as torch evaluates them; values are computed in float64 and stored as float32.
 */
import type { Rng } from '../rng.js';
import type { Latent } from '../tensor.js';

export function latentLike(x: Latent, data: Float32Array): Latent {
  return { shape: x.shape, data };
}

export function cloneLatent(x: Latent): Latent {
  return { shape: [...x.shape], data: new Float32Array(x.data) };
}

/** k-diffusion `to_d`: the Karras ODE derivative (x − denoised)/σ. */
export function toDerivative(x: Latent, denoised: Latent, sigma: number): Float32Array {
  const out = new Float32Array(x.data.length);
  const xs = x.data;
  const ds = denoised.data;
  for (let i = 0; i < out.length; i++) out[i] = ((xs[i] ?? 0) - (ds[i] ?? 0)) / sigma;
  return out;
}

/** x ← x + a·da (+ b·db): updates the live latent in place, so a callback's edits of x carry into the step. */
export function addScaledInPlace(x: Float32Array, da: Float32Array, a: number, db?: Float32Array, b = 0): void {
  if (db) for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) + (da[i] ?? 0) * a + (db[i] ?? 0) * b;
  else for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) + (da[i] ?? 0) * a;
}

/**
 * x ← x + d·a (+ noise·b) with d = to_d(x, denoised, σ) rounded to float32 as its own tensor would be: the same
 * values as `addScaledInPlace(x, toDerivative(x, denoised, σ), a, noise, b)` without the derivative's array.
 */
export function derivativeStepInPlace(
  x: Float32Array,
  denoised: Float32Array,
  sigma: number,
  a: number,
  noise?: Float32Array,
  b = 0,
): void {
  if (noise) {
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] ?? 0;
      x[i] = xi + Math.fround((xi - (denoised[i] ?? 0)) / sigma) * a + (noise[i] ?? 0) * b;
    }
  } else {
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] ?? 0;
      x[i] = xi + Math.fround((xi - (denoised[i] ?? 0)) / sigma) * a;
    }
  }
}

/** a·u + b·v as a new array. */
export function combine(u: Float32Array, a: number, v: Float32Array, b: number): Float32Array {
  const out = new Float32Array(u.length);
  for (let i = 0; i < out.length; i++) out[i] = (u[i] ?? 0) * a + (v[i] ?? 0) * b;
  return out;
}

export interface AncestralStep {
  sigmaDown: number;
  sigmaUp: number;
}

/** k-diffusion `get_ancestral_step`: the σ to step down to and the noise to add back for an ancestral step. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number, eta = 1): AncestralStep {
  if (!eta) return { sigmaDown: sigmaTo, sigmaUp: 0 };
  const sigmaUp = Math.min(sigmaTo, eta * Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2));
  return { sigmaDown: Math.sqrt(sigmaTo ** 2 - sigmaUp ** 2), sigmaUp };
}

// 4-point Gauss–Legendre integrates the Lagrange basis polynomials (degree ≤ 3 for order 4) exactly; the
// reference's scipy.integrate.quad reaches the same values within its 1e-4 tolerance.
const GAUSS_NODES = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GAUSS_WEIGHTS = [0.34785484513745385, 0.6521451548625461, 0.6521451548625461, 0.34785484513745385];

/** k-diffusion `linear_multistep_coeff`: ∫ over [σ_i, σ_{i+1}] of the Lagrange basis for point i − j. */
export function linearMultistepCoeff(order: number, sigmas: Float32Array, i: number, j: number): number {
  if (order - 1 > i) throw new RangeError(`Order ${order} too high for step ${i}`);
  const at = (k: number): number => sigmas[k] ?? 0;
  const basis = (tau: number): number => {
    let product = 1;
    for (let k = 0; k < order; k++) {
      if (k !== j) product *= (tau - at(i - k)) / (at(i - j) - at(i - k));
    }
    return product;
  };
  const from = at(i);
  const to = at(i + 1);
  const half = (to - from) / 2;
  const mid = (to + from) / 2;
  let sum = 0;
  for (let q = 0; q < GAUSS_NODES.length; q++)
    sum += (GAUSS_WEIGHTS[q] ?? 0) * basis(mid + half * (GAUSS_NODES[q] ?? 0));
  return sum * half;
}

/** A draw the reference makes and throws away (its noise is multiplied by 0): skipped where the generator can. */
export function discardRandn(rng: Rng, shape: readonly number[]): void {
  if (rng.skipRandn) rng.skipRandn(shape);
  else rng.randn(shape);
}

/**
 * Linear multistep (order 4) on the Karras ODE: the step integrates the Lagrange polynomial through the last
 * (up to) four derivatives over [σ_i, σ_{i+1}]. Reference: k-diffusion `sample_lms` (Deforum's `klms`).
 */
import type { Sampler } from './sampler.js';
import { cloneLatent, linearMultistepCoeff, toDerivative } from './math.js';

const ORDER = 4;

export const klms: Sampler = async (start, sigmas, ctx) => {
  const x = cloneLatent(start);
  const total = sigmas.length - 1;
  const derivatives: Float32Array[] = [];
  for (let i = 0; i < total; i++) {
    ctx.signal?.throwIfAborted();
    const sigma = sigmas[i] ?? 0;
    const denoised = await ctx.denoise(x, sigma);
    derivatives.push(toDerivative(x, denoised, sigma));
    if (derivatives.length > ORDER) derivatives.shift();
    ctx.onStep?.({ step: i, total, sigma, x, denoised });
    const order = Math.min(i + 1, ORDER);
    for (let j = 0; j < order; j++) {
      const coeff = linearMultistepCoeff(order, sigmas, i, j);
      const d = derivatives[derivatives.length - 1 - j] ?? new Float32Array(x.data.length);
      const xs = x.data;
      for (let k = 0; k < xs.length; k++) xs[k] = (xs[k] ?? 0) + coeff * (d[k] ?? 0);
    }
  }
  return x;
};

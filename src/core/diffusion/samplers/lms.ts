/**
 * Linear multistep (order 4) on the Karras ODE: the step integrates the Lagrange polynomial through the last
 * (up to) four derivatives over [σ_i, σ_{i+1}]. Reference: k-diffusion `sample_lms` (Deforum's `klms`).
 */
import type { Sampler } from './sampler.js';
import { linearMultistepCoeff, toDerivative } from './math.js';
import { kStepLoop } from './step-loop.js';

const ORDER = 4;

export const klms: Sampler = (start, sigmas, ctx) => {
  const derivatives: Float32Array[] = [];
  return kStepLoop(start, sigmas, ctx, ({ i, sigma, x, denoised, report }) => {
    derivatives.push(toDerivative(x, denoised, sigma));
    if (derivatives.length > ORDER) derivatives.shift();
    report();
    const order = Math.min(i + 1, ORDER);
    for (let j = 0; j < order; j++) {
      const coeff = linearMultistepCoeff(order, sigmas, i, j);
      const d = derivatives[derivatives.length - 1 - j] ?? new Float32Array(x.data.length);
      const xs = x.data;
      for (let k = 0; k < xs.length; k++) xs[k] = (xs[k] ?? 0) + coeff * (d[k] ?? 0);
    }
  });
};

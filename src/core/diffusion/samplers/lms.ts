/**
 * Linear multistep (order 4) on the Karras ODE: the step integrates the Lagrange polynomial through the last
 * (up to) four derivatives over [σ_i, σ_{i+1}]. Reference: k-diffusion `sample_lms` (Deforum's `klms`).
 */
import type { Sampler } from './sampler.js';
import { linearMultistepCoeff, toDerivative } from './math.js';
import { addTermsInPlace } from './multistep-simd.js';
import { kStepLoop } from './step-loop.js';

const ORDER = 4;

export const klms: Sampler = (start, sigmas, ctx) => {
  const derivatives: Float32Array[] = [];
  return kStepLoop(start, sigmas, ctx, ({ i, sigma, x, denoised, report }) => {
    derivatives.push(toDerivative(x, denoised, sigma));
    if (derivatives.length > ORDER) derivatives.shift();
    report();
    const order = Math.min(i + 1, ORDER);
    const coeffs = Array.from({ length: order }, (_, j) => linearMultistepCoeff(order, sigmas, i, j));
    // Newest derivative first, as the coefficients' j counts back.
    addTermsInPlace(x.data, coeffs, derivatives.slice(-order).reverse());
  });
};

/**
 * Euler steps on the Karras ODE. Reference: k-diffusion `sample_euler` with s_churn = 0, as Deforum calls it,
 * including its one unused churn draw per step.
 */
import type { Sampler } from './sampler.js';
import { addScaledInPlace } from './math.js';
import { churnStepLoop } from './step-loop.js';

export const euler: Sampler = (start, sigmas, ctx) =>
  churnStepLoop(start, sigmas, ctx, ({ sigma, next, x, d }) => addScaledInPlace(x.data, d, next - sigma));

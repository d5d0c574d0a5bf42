/**
 * CompVis PLMS: pseudo linear multistep in eps space (Adams–Bashforth up to 4th order on the eps predictions,
 * a Heun-like first step with one extra model call at the next timestep). Reference: ldm `PLMSSampler`
 * (`plms_sampling`, `p_sample_plms`). Text-to-image only (the notebook switches plms with an init to klms) and
 * eta 0, which the reference asserts. Noise is drawn at every DDIM update, twice in the first step, as the
 * reference does. onStep comes after each step with x_prev and pred_x0 (ldm's img_callback).
 */
import type { CompVisSampler } from './sampler.js';
import { ddimUpdate } from './ddim-step.js';
import { compVisStepLoop } from './step-loop.js';

/** Adams–Bashforth weights on [e_t, e_{t−1}, …] by the number of earlier eps values. */
const MULTISTEP_WEIGHTS: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24],
];

export const plms: CompVisSampler = async (start, schedule, ctx) => {
  if (schedule.sigmas.some((sigma) => sigma !== 0)) {
    throw new RangeError('PLMS is deterministic: build its schedule with ddim_eta 0.');
  }
  const previous: Float32Array[] = [];
  return compVisStepLoop(start, schedule, ctx, async ({ index, x, e }) => {
    let ePrime: Float32Array;
    if (previous.length === 0) {
      const first = ddimUpdate(x, e, schedule, index, ctx.rng);
      const nextT = schedule.timesteps[Math.max(index - 1, 0)] ?? 0;
      ePrime = average(e, (await ctx.predictEps(first.xPrev, nextT)).data);
    } else {
      ePrime = adamsBashforth(MULTISTEP_WEIGHTS[previous.length] ?? [], [e, ...previous]);
    }
    previous.unshift(e);
    if (previous.length > 3) previous.pop();
    return ePrime;
  });
};

/*
 * The per-element loops live in top-level functions: inside the sampler's async closure, with the history read
 * through optional chaining, V8 ran them far slower (bench/diffusion.bench.ts: PLMS's share outside the UNet was
 * the largest, 5.5–7.7% of its time, and 2.0–3.3% after).
 */

function average(e: Float32Array, eNext: Float32Array): Float32Array {
  const out = new Float32Array(e.length);
  for (let k = 0; k < e.length; k++) out[k] = ((e[k] as number) + (eNext[k] ?? 0)) / 2;
  return out;
}

/** Σ_j w_j·history_j[k], summed in float64 from 0 in the order of the weights, stored as float32. */
function adamsBashforth(weights: readonly number[], history: readonly Float32Array[]): Float32Array {
  const e = history[0] as Float32Array;
  const out = new Float32Array(e.length);
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0] = weights;
  const [h0 = e, h1 = e, h2 = e, h3 = e] = history;
  const n = e.length;
  switch (weights.length) {
    case 2:
      for (let k = 0; k < n; k++) out[k] = 0 + w0 * (h0[k] as number) + w1 * (h1[k] as number);
      break;
    case 3:
      for (let k = 0; k < n; k++) out[k] = 0 + w0 * (h0[k] as number) + w1 * (h1[k] as number) + w2 * (h2[k] as number);
      break;
    default:
      for (let k = 0; k < n; k++) {
        out[k] = 0 + w0 * (h0[k] as number) + w1 * (h1[k] as number) + w2 * (h2[k] as number) + w3 * (h3[k] as number);
      }
  }
  return out;
}

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
      const eNext = (await ctx.predictEps(first.xPrev, nextT)).data;
      ePrime = new Float32Array(e.length);
      for (let k = 0; k < e.length; k++) ePrime[k] = ((e[k] ?? 0) + (eNext[k] ?? 0)) / 2;
    } else {
      const weights = MULTISTEP_WEIGHTS[previous.length] ?? [];
      const history = [e, ...previous];
      ePrime = new Float32Array(e.length);
      for (let k = 0; k < e.length; k++) {
        let sum = 0;
        for (let j = 0; j < weights.length; j++) sum += (weights[j] ?? 0) * (history[j]?.[k] ?? 0);
        ePrime[k] = sum;
      }
    }
    previous.unshift(e);
    if (previous.length > 3) previous.pop();
    return ePrime;
  });
};

/**
 * Sampler overhead outside the UNet: per sampler, microseconds per step of our sampler maths on a 1×4×64×64
 * latent with an instant denoiser (x0 = 0.9·x). Candidate: the registry's samplers (fused loops, float32 arrays).
 * Baseline, in the same process: the same Euler step written as torch evaluates it, one new array per operation
 * (`to_d`, `d·dt`, `x + …`). Also the torch-exact `randn` of one latent (what the ancestral samplers draw at
 * every step), candidate torch-generator.ts (MT19937 and normal_fill_16 in WebAssembly SIMD) against the
 * lane-by-lane reference (test/core/diffusion/lane-by-lane-randn.ts). Prints one JSON object with the figures as its last line.
 */
import {
  alphasCumprod,
  ddimSchedule,
  discreteSchedule,
  makeBetas,
  SD_SCHEDULE,
} from '../src/core/diffusion/noise-schedule.js';
import type { Rng } from '../src/core/diffusion/rng.js';
import { SAMPLERS } from '../src/core/diffusion/samplers/index.js';
import type { Denoise, PredictEps } from '../src/core/diffusion/samplers/sampler.js';
import type { Latent } from '../src/core/diffusion/tensor.js';
import { TorchGenerator } from '../src/core/diffusion/torch-generator.js';
import { laneByLaneRandn } from '../test/core/diffusion/lane-by-lane-randn.js';

const SHAPE = [1, 4, 64, 64];
const COUNT = 4 * 64 * 64;
const STEPS = 25;
const ac = alphasCumprod(makeBetas(SD_SCHEDULE));
const sigmas = discreteSchedule(ac).getSigmas(STEPS);
const ddim = ddimSchedule(ac, STEPS, 0);

// Instant model and generator, so only the sampler's own work is timed.
const noise = new Float32Array(COUNT).map((_, i) => Math.sin(i));
const rng: Rng = { randn: () => noise };
const denoise: Denoise = (x) => Promise.resolve({ shape: x.shape, data: x.data.map((v) => 0.9 * v) });
const predictEps: PredictEps = (x) => Promise.resolve({ shape: x.shape, data: x.data.map((v) => 0.1 * v) });
const start = (): Latent => ({ shape: SHAPE, data: noise.map((v) => v * 14.6) });

/** torch-style Euler: every operation allocates its result. */
async function naiveEuler(x0: Latent): Promise<Latent> {
  let x = x0.data;
  for (let i = 0; i < STEPS; i++) {
    const sigma = sigmas[i] ?? 0;
    const denoised = (await denoise({ shape: SHAPE, data: x }, sigma)).data;
    const diff = x.map((v, k) => v - (denoised[k] ?? 0));
    const d = diff.map((v) => v / sigma);
    const step = d.map((v) => v * ((sigmas[i + 1] ?? 0) - sigma));
    x = x.map((v, k) => v + (step[k] ?? 0));
  }
  return { shape: SHAPE, data: x };
}

async function usPerStep(run: () => Promise<unknown>, steps: number, minMs = 400): Promise<number> {
  await run();
  let runs = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    await run();
    runs++;
  }
  return ((performance.now() - started) / runs / steps) * 1000;
}

const figures: Record<string, number> = {};
for (const [name, entry] of Object.entries(SAMPLERS)) {
  let steps = 0;
  const onStep = (): void => {
    steps++;
  };
  const run = (): Promise<Latent> =>
    entry.kind === 'k-diffusion'
      ? entry.sample(start(), sigmas, { denoise, rng, onStep, steps: STEPS })
      : entry.sample(start(), ddim, { predictEps, rng, onStep });
  await run();
  const perRun = steps;
  figures[`${name}_us_per_step`] = Math.round(await usPerStep(run, perRun));
}
const baseline = await usPerStep(() => naiveEuler(start()), STEPS);
const euler = figures.euler_us_per_step ?? NaN;

const generator = new TorchGenerator(1234);
const randnUs = await usPerStep(() => Promise.resolve(generator.randn(SHAPE)), 1);
const laneByLaneUs = await usPerStep(() => Promise.resolve(laneByLaneRandn(1234, COUNT)), 1);

const result = {
  latent: SHAPE,
  steps: STEPS,
  ...figures,
  baseline_naive_euler_us_per_step: Math.round(baseline),
  euler_speedup_vs_naive: Number((baseline / euler).toFixed(2)),
  randn_us: Math.round(randnUs),
  baseline_lane_by_lane_randn_us: Math.round(laneByLaneUs),
  randn_speedup_vs_lane_by_lane: Number((laneByLaneUs / randnUs).toFixed(2)),
};
console.log(JSON.stringify(result));

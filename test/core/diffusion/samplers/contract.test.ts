// The contract every registered sampler keeps, with no per-sampler cases (style.md B4). The model is the exact
// eps of latent data x0 ~ N(mu, s²) (test/support/toy-ldm.ts) over the SD schedule, wrapped by our denoiser:
// the k-samplers get its x0 denoiser, DDIM/PLMS its eps predictor, as the pipeline wires them.
import { describe, expect, it } from 'vitest';
import { guidedDenoiser, guidedEpsPredictor } from '../../../../src/core/diffusion/denoiser.js';
import {
  alphasCumprod,
  ddimSchedule,
  discreteSchedule,
  makeBetas,
  SD_SCHEDULE,
} from '../../../../src/core/diffusion/noise-schedule.js';
import type { Rng } from '../../../../src/core/diffusion/rng.js';
import { SAMPLERS, type SamplerEntry } from '../../../../src/core/diffusion/samplers/index.js';
import type { StepInfo } from '../../../../src/core/diffusion/samplers/sampler.js';
import type { Latent } from '../../../../src/core/diffusion/tensor.js';
import { toyModel } from '../../../support/toy-ldm.js';

const ac = alphasCumprod(makeBetas(SD_SCHEDULE));
const schedule = discreteSchedule(ac);
const SHAPE = [1, 4, 32, 32];
const COUNT = 4 * 32 * 32;
const STEPS = 20;

/** A small seeded normal generator (mulberry32 + Box–Muller); the contract only needs determinism. */
function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return {
    randn(shape) {
      const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < out.length; i++)
        out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      return out;
    },
  };
}

/** Data N(mu, s²) with mu and s the same everywhere: cond = [mu, s] per element. */
function data(mu: number, s: number): Latent {
  const values = new Float32Array(2 * COUNT);
  values.fill(mu, 0, COUNT).fill(s, COUNT);
  return { shape: [1, 2, 4, 32, 32], data: values };
}

interface Hooks {
  onStep?: (s: StepInfo) => void;
  signal?: AbortSignal;
  calls?: { count: number };
}

async function sample(entry: SamplerEntry, cond: Latent, rng: Rng, hooks: Hooks = {}): Promise<Latent> {
  const model = toyModel(ac);
  const counted: typeof model = (x, t, c) => {
    if (hooks.calls) hooks.calls.count++;
    return model(x, t, c);
  };
  const options = {
    model: counted,
    parameterization: 'eps' as const,
    cond,
    uncond: cond,
    scale: 7,
    batchCondUncond: true,
  };
  const extra = {
    rng,
    ...(hooks.onStep ? { onStep: hooks.onStep } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  };
  if (entry.kind === 'k-diffusion') {
    const sigmas = schedule.getSigmas(STEPS);
    const x = rng.randn(SHAPE).map((n) => n * (sigmas[0] ?? 0));
    return entry.sample({ shape: SHAPE, data: x }, sigmas, { denoise: guidedDenoiser(schedule, options), ...extra });
  }
  const x = rng.randn(SHAPE);
  return entry.sample({ shape: SHAPE, data: x }, ddimSchedule(ac, STEPS, 0), {
    predictEps: guidedEpsPredictor(ac, options),
    ...extra,
  });
}

function stats(x: Float32Array): { mean: number; std: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return { mean, std: Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length) };
}

describe.each(Object.entries(SAMPLERS))('sampler %s', (_name, entry) => {
  it('keeps the shape and is deterministic for a seeded generator', async () => {
    const a = await sample(entry, data(0.5, 0.4), seededRng(7));
    const b = await sample(entry, data(0.5, 0.4), seededRng(7));
    expect(a.shape).toEqual(SHAPE);
    expect(a.data).toEqual(b.data);
    expect(a.data.every(Number.isFinite)).toBe(true);
  });

  it('ends at a constant when the data is that constant (s → 0)', async () => {
    // From x ~ N(0, 14.6²) to within the residual noise of the last σ (≤ 0.03·|z|); identity would stay ~15 away.
    const out = await sample(entry, data(3, 1e-4), seededRng(1));
    for (const v of out.data) expect(Math.abs(v - 3)).toBeLessThan(0.2);
  });

  it('reproduces the data distribution N(mu, s²) with the exact denoiser', async () => {
    const { mean, std } = stats((await sample(entry, data(0.5, 0.4), seededRng(3))).data);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
    // 20 steps leave a first-order discretisation bias of up to ~25% on the spread; an unguided or noise-free
    // result would be far off (std ≈ 0 or ≈ 14).
    expect(Math.abs(std - 0.4)).toBeLessThan(0.12);
  });

  it('calls onStep in order, with a final total equal to the number of calls', async () => {
    const seen: StepInfo[] = [];
    await sample(entry, data(0.5, 0.4), seededRng(5), { onStep: (s) => seen.push(s) });
    expect(seen.length).toBeGreaterThan(0);
    seen.forEach((s, i) => {
      expect(s.step).toBe(i);
      expect(s.total).toBeGreaterThan(i);
      expect(s.x.shape).toEqual(SHAPE);
      expect(s.denoised.shape).toEqual(SHAPE);
    });
    expect(seen.at(-1)?.total).toBe(seen.length);
  });

  it('stops between steps when aborted', async () => {
    const controller = new AbortController();
    const calls = { count: 0 };
    let callsAtAbort = 0;
    const onStep = (s: StepInfo): void => {
      if (s.step === 1) {
        controller.abort();
        callsAtAbort = calls.count;
      }
    };
    await expect(
      sample(entry, data(0.5, 0.4), seededRng(5), { onStep, signal: controller.signal, calls }),
    ).rejects.toThrow(/abort/i);
    // At most the rest of the aborting step runs (≤ 2 further evaluations for the three-stage solvers).
    expect(calls.count - callsAtAbort).toBeLessThanOrEqual(2);
  });
});

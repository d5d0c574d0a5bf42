// The guidance hook inside the denoiser, over the golden toy model (exact eps of N(mu, s²) latent data): the
// steps grad_inject_timing selects (hook calls counted), the direction each loss moves the sampled latent
// (measured on its linear decode), the in-place update and gradient_add_to, and every k-diffusion sampler of the
// registry with no special cases.
import { describe, expect, it } from 'vitest';
import { guidedDenoiser, type GuidanceOptions } from '../../../../src/core/diffusion/denoiser.js';
import { conditionedDenoiser } from '../../../../src/core/diffusion/guidance/conditioned-denoiser.js';
import {
  createConditioningHook,
  type GuidanceTarget,
} from '../../../../src/core/diffusion/guidance/conditioning-hook.js';
import { gradientClamp } from '../../../../src/core/diffusion/guidance/grad-threshold.js';
import type { ImageLoss, ScaledLoss } from '../../../../src/core/diffusion/guidance/image-loss.js';
import { injectTimingFn, type InjectTiming } from '../../../../src/core/diffusion/guidance/inject-timing.js';
import { linearDecode, createLinearDecoder } from '../../../../src/core/diffusion/guidance/linear-decoder.js';
import { blueLoss, exposureLoss, meanLoss, varLoss } from '../../../../src/core/diffusion/guidance/pixel-losses.js';
import {
  alphasCumprod,
  discreteSchedule,
  makeBetas,
  SD_SCHEDULE,
  truncateSigmas,
} from '../../../../src/core/diffusion/noise-schedule.js';
import { SAMPLERS } from '../../../../src/core/diffusion/samplers/index.js';
import type { Latent } from '../../../../src/core/diffusion/tensor.js';
import { recordingRng } from '../../../support/test-rng.js';
import { toyModel, type ModelCall } from '../../../support/toy-ldm.js';

const ac = alphasCumprod(makeBetas(SD_SCHEDULE));
const schedule = discreteSchedule(ac);
const SHAPE = [1, 4, 8, 8];
const COUNT = 4 * 64;
const STEPS = 12;

/** cond = [mu, s] per element; uncond a different mean so that CFG matters. */
function data(mu: number, s: number): Latent {
  const values = new Float32Array(2 * COUNT);
  values.fill(mu, 0, COUNT).fill(s, COUNT);
  return { shape: [1, 2, 4, 8, 8], data: values };
}

function options(calls: ModelCall[] = [], batchCondUncond = true): GuidanceOptions {
  return {
    model: toyModel(ac, calls),
    parameterization: 'eps',
    cond: data(0.2, 0.5),
    uncond: data(0, 0.5),
    scale: 3,
    batchCondUncond,
  };
}

function hookOf(losses: ScaledLoss[], timing: InjectTiming, sigmas: Float32Array, target: GuidanceTarget = 'combined') {
  return createConditioningHook({
    target,
    appliesAt: injectTimingFn(timing, sigmas),
    losses,
    decoder: createLinearDecoder(),
    clamp: gradientClamp(
      { grad_threshold_type: 'dynamic', clamp_grad_threshold: 0.2, clamp_start: 0.2, clamp_stop: 0.01 },
      schedule.getSigmas(STEPS),
    ),
    wrt: { kind: 'x0_pred' },
  });
}

/** Records the σ of every loss evaluation (one per conditioning call). */
function counting(loss: ImageLoss, seen: number[], sigma: { current: number }): ImageLoss {
  return { setting: loss.setting, evaluate: (image) => (seen.push(sigma.current), loss.evaluate(image)) };
}

async function render(
  losses: ScaledLoss[],
  sampler: keyof typeof SAMPLERS = 'euler',
  timing: InjectTiming = null,
  tEnc = STEPS,
) {
  const entry = SAMPLERS[sampler];
  if (entry.kind !== 'k-diffusion') throw new Error('k-diffusion only');
  const sigmas = truncateSigmas(schedule.getSigmas(STEPS), tEnc);
  const rng = recordingRng(4);
  const start = rng.randn(SHAPE).map((n) => n * (sigmas[0] ?? 0));
  const base = options();
  const denoise =
    losses.length === 0
      ? guidedDenoiser(schedule, base)
      : conditionedDenoiser(schedule, base, hookOf(losses, timing, sigmas));
  return entry.sample({ shape: SHAPE, data: start }, sigmas, { denoise, rng, steps: STEPS });
}

function decodedStats(x: Latent): { blue: number; mean: number; meanAbs: number; variance: number } {
  const rgb = linearDecode(x).data;
  const n = rgb.length;
  const mean = rgb.reduce((a, v) => a + v, 0) / n;
  return {
    blue: rgb.subarray(128).reduce((a, v) => a + v, 0) / 64,
    mean,
    meanAbs: rgb.reduce((a, v) => a + Math.abs(v), 0) / n,
    variance: rgb.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1),
  };
}

describe('grad_inject_timing (counted hook calls, relative to the executed steps)', () => {
  const full = schedule.getSigmas(STEPS);
  it.each([
    ['null: every model call', null, STEPS, [...full.subarray(0, STEPS)]],
    ['every 3rd step', 3, STEPS, [full[2], full[5], full[8], full[11]]],
    ['step numbers 1, 2, 12', [1, 2, 12], STEPS, [full[0], full[1], full[11]]],
    ['fractions 0, 0.5, 1', [0, 0.5, 1], STEPS, [full[0], full[6], full[11]]],
    [
      'img2img 6 of 12 steps, default 1…9: the first 6 executed steps',
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      6,
      [...full.subarray(6, 12)],
    ],
    ['img2img 6 of 12 steps, every 2nd executed step', 2, 6, [full[7], full[9], full[11]]],
  ] as const)('%s', async (_name, timing, tEnc, expected) => {
    const sigmas = truncateSigmas(full, tEnc);
    const seen: number[] = [];
    const current = { current: 0 };
    const hook = hookOf([{ loss: counting(meanLoss, seen, current), scale: 1 }], timing, sigmas);
    const inner = conditionedDenoiser(schedule, options(), hook);
    const denoise = (x: Latent, sigma: number) => ((current.current = sigma), inner(x, sigma));
    const rng = recordingRng(1);
    await SAMPLERS.euler.sample({ shape: SHAPE, data: rng.randn(SHAPE).map((n) => n * (sigmas[0] ?? 0)) }, sigmas, {
      denoise,
      rng,
    });
    expect(seen).toEqual(expected);
  });
});

describe('the direction each loss moves the render (linear decode of the final latent)', () => {
  it('blue_scale > 0 pulls the blue channel towards 0.9 and < 0 away from it', async () => {
    const plain = decodedStats(await render([])).blue;
    const up = decodedStats(await render([{ loss: blueLoss, scale: 200 }])).blue;
    const down = decodedStats(await render([{ loss: blueLoss, scale: -200 }])).blue;
    expect(plain).toBeLessThan(0.9);
    expect(up).toBeGreaterThan(plain + 0.05);
    expect(down).toBeLessThan(plain - 0.05);
  });
  it('exposure_scale moves the mean brightness towards exposure_target', async () => {
    const plain = decodedStats(await render([])).mean;
    const bright = decodedStats(await render([{ loss: exposureLoss(0.5), scale: 300 }])).mean;
    const dark = decodedStats(await render([{ loss: exposureLoss(-0.5), scale: 300 }])).mean;
    expect(bright).toBeGreaterThan(plain + 0.05);
    expect(dark).toBeLessThan(plain - 0.05);
  });
  it('mean_scale pulls values towards 0 and var_scale lowers the variance', async () => {
    const plain = decodedStats(await render([]));
    expect(decodedStats(await render([{ loss: meanLoss, scale: 300 }])).meanAbs).toBeLessThan(plain.meanAbs * 0.9);
    expect(decodedStats(await render([{ loss: varLoss, scale: 300 }])).variance).toBeLessThan(plain.variance * 0.9);
  });
});

describe('the hook', () => {
  it("updates the sampler's latent in place by g·σ and returns D + g·σ", async () => {
    const sigmas = schedule.getSigmas(STEPS);
    const sigma = sigmas[0] ?? 0;
    const hook = hookOf([{ loss: blueLoss, scale: 1000 }], null, sigmas);
    const x = { shape: SHAPE, data: new Float32Array(COUNT).fill(0.1) };
    const before = Float32Array.from(x.data);
    const plainD = await guidedDenoiser(schedule, options())(x, sigma);
    const d = await conditionedDenoiser(schedule, options(), hook)(x, sigma);
    // The blue loss at scale 1000 clamps to ±1 per pixel (dynamic, default): x moves by exactly σ·g.
    for (let i = 0; i < COUNT; i++) {
      const g = ((x.data[i] ?? 0) - (before[i] ?? 0)) / sigma;
      expect(Math.abs(g)).toBeLessThanOrEqual(1 + 1e-5);
      expect((d.data[i] ?? 0) - (plainD.data[i] ?? 0)).toBeCloseTo(g * sigma, 3);
    }
    expect(x.data).not.toEqual(before);
  });

  it.each([
    ['uncond', 2, 1],
    ['cond', 2, 1],
    ['both', 2, 2],
  ] as const)('gradient_add_to %s: separate calls, conditioned %i/%i', async (target, modelCalls, conditionings) => {
    const sigmas = schedule.getSigmas(STEPS);
    const calls: ModelCall[] = [];
    const seen: number[] = [];
    const hook = hookOf([{ loss: counting(meanLoss, seen, { current: 1 }), scale: 5 }], null, sigmas, target);
    const x = { shape: SHAPE, data: new Float32Array(COUNT).fill(0.3) };
    await conditionedDenoiser(schedule, options(calls, false), hook)(x, sigmas[3] ?? 0);
    expect(calls.map((c) => c.batch)).toEqual(Array(modelCalls).fill(1));
    expect(seen).toHaveLength(conditionings);
  });
});

describe.each(Object.entries(SAMPLERS))('sampler %s with guidance', (name, entry) => {
  it('accepts the conditioned denoiser (k-diffusion) or is one of the samplers guidance refuses (compvis)', async () => {
    if (entry.kind === 'compvis') {
      expect(['ddim', 'plms']).toContain(name);
      return;
    }
    const sigmas = schedule.getSigmas(STEPS);
    const run = async (guided: boolean) => {
      const rng = recordingRng(2);
      const start = { shape: SHAPE, data: rng.randn(SHAPE).map((n) => n * (sigmas[0] ?? 0)) };
      const denoise = guided
        ? conditionedDenoiser(schedule, options(), hookOf([{ loss: blueLoss, scale: 200 }], null, sigmas))
        : guidedDenoiser(schedule, options());
      return entry.sample(start, sigmas, { denoise, rng, steps: STEPS });
    };
    const [plain, guided] = [await run(false), await run(true)];
    expect(guided.data.every(Number.isFinite)).toBe(true);
    expect(decodedStats(guided).blue).toBeGreaterThan(decodedStats(plain).blue);
  });
});

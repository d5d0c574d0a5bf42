// Golden parity for samplers.json: every case of Deforum's generate() with the analytic toy model, replayed with
// our schedule, denoiser, samplers and the torch-exact generator (seed 1234), drawing in the original's order.
// Tolerances (golden README): sigmas rel 1e-6; t_enc, draw order/shapes, model-call and callback counts exact;
// steps and final |ours − golden| ≤ 1e-3 + 1e-5·|golden| (dpm_adaptive steps 1e-2, same accept/reject sequence).
import { describe, expect, it } from 'vitest';
import { guidedDenoiser, guidedEpsPredictor } from '../../src/core/diffusion/denoiser.js';
import {
  alphasCumprod,
  ddimSchedule,
  discreteSchedule,
  img2imgStepCount,
  makeBetas,
  SD_SCHEDULE,
  truncateDdimSchedule,
  truncateSigmas,
} from '../../src/core/diffusion/noise-schedule.js';
import type { Rng } from '../../src/core/diffusion/rng.js';
import { ddimStochasticEncode } from '../../src/core/diffusion/samplers/ddim.js';
import { SAMPLERS, type SamplerName } from '../../src/core/diffusion/samplers/index.js';
import type { StepInfo } from '../../src/core/diffusion/samplers/sampler.js';
import type { Latent } from '../../src/core/diffusion/tensor.js';
import { createTorchGenerator } from '../../src/core/diffusion/torch-generator.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { readNpy } from '../support/npy.js';
import { toyModel, type ModelCall } from '../support/toy-ldm.js';

interface GoldenCase {
  id: string;
  sampler: SamplerName;
  steps: number;
  strength_given: number | null;
  use_init: boolean;
  scale: number;
  seed: number;
  ddim_eta: number;
  ok: boolean;
  t_enc: number;
  rng_draws: { shape: number[] }[];
  model_calls: { count: number; batch: number[]; t: number[] };
  sampler_calls: { sigmas?: number[]; sigma_min?: number; sigma_max?: number; n?: number }[];
  callback?: { sigma: number; n_accept?: number; n_reject?: number }[];
  register_buffer_cpu_patch: boolean;
  bypass_notebook_post: boolean;
  files: { init_latent?: string; x_start?: string; steps?: string; final?: string };
}

interface GoldenFile {
  schedule: { get_sigmas: Record<string, number[]> };
  cases: GoldenCase[];
}

const golden = readGoldenJson<GoldenFile>('samplers.json');
const npy = (file: string): Float32Array => {
  const array = readNpy(goldenPath(file));
  if (array.dtype !== 'float32') throw new Error(`${file}: expected float32`);
  return array.data;
};
const ac = npy('samplers/alphas_cumprod_f32.npy');
const schedule = discreteSchedule(ac);
const SHAPE = [1, 4, 8, 8];
const cond: Latent = { shape: [1, 2, 4, 8, 8], data: npy('samplers/toy_cond.npy') };
const uncond: Latent = { shape: [1, 2, 4, 8, 8], data: npy('samplers/toy_uncond.npy') };
const init = npy('samplers/init_latent.npy');

/** Cases that never reach a sampler: the notebook's plms → klms switch and ldm's CUDA-only register_buffer. */
const NOT_SAMPLER_CASES = new Set(['plms_s10_img2img0.65_no_switch', 'ddim_s10_txt2img_unpatched']);

function maxExcess(ours: ArrayLike<number>, expected: ArrayLike<number>, abs: number): number {
  let worst = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const g = expected[i] ?? 0;
    worst = Math.max(worst, Math.abs((ours[i] ?? NaN) - g) - (abs + 1e-5 * Math.abs(g)));
  }
  return worst;
}

interface Run {
  tEnc: number;
  draws: number[][];
  calls: ModelCall[];
  steps: { x: Float32Array; denoised: Float32Array; sigma: number }[];
  xStart: Float32Array;
  final: Float32Array;
  sigmas: Float32Array | null;
}

async function run(c: GoldenCase): Promise<Run> {
  const generator = createTorchGenerator(c.seed);
  const draws: number[][] = [];
  const rng: Rng = {
    randn(shape) {
      draws.push([...shape]);
      return generator.randn(shape);
    },
  };
  const calls: ModelCall[] = [];
  const options = {
    model: toyModel(ac, calls),
    parameterization: 'eps' as const,
    cond,
    uncond,
    scale: c.scale,
    batchCondUncond: true,
  };
  // generate(): without an init the notebook sets strength to 0 (strength_0_no_init).
  const strength = c.use_init ? (c.strength_given ?? 0) : 0;
  const tEnc = img2imgStepCount(strength, c.steps);
  const steps: Run['steps'] = [];
  const onStep = (s: StepInfo): void => {
    steps.push({ x: new Float32Array(s.x.data), denoised: new Float32Array(s.denoised.data), sigma: s.sigma });
  };
  // SamplerCallback draws the mask noise first whenever there is an init latent.
  if (c.use_init) rng.randn(SHAPE);
  const entry = SAMPLERS[c.sampler];
  if (entry.kind === 'k-diffusion') {
    const sigmas = truncateSigmas(schedule.getSigmas(c.steps), tEnc);
    const noise = rng.randn(SHAPE);
    const xStart = noise.map((n, i) => (c.use_init ? (init[i] ?? 0) : 0) + n * (sigmas[0] ?? 0));
    const denoise = guidedDenoiser(schedule, options);
    const out = await entry.sample({ shape: SHAPE, data: xStart }, sigmas, { denoise, rng, onStep, steps: c.steps });
    return { tEnc, draws, calls, steps, xStart, final: out.data, sigmas };
  }
  const full = ddimSchedule(ac, c.steps, c.ddim_eta);
  const img2img = c.use_init && strength > 0;
  const xStart = img2img
    ? ddimStochasticEncode({ shape: SHAPE, data: init }, rng.randn(SHAPE), full, tEnc).data
    : rng.randn(SHAPE);
  const predictEps = guidedEpsPredictor(ac, options);
  const out = await entry.sample({ shape: SHAPE, data: xStart }, img2img ? truncateDdimSchedule(full, tEnc) : full, {
    predictEps,
    rng,
    onStep,
  });
  return { tEnc, draws, calls, steps, xStart, final: out.data, sigmas: null };
}

const cases = golden.cases.filter((c) => !NOT_SAMPLER_CASES.has(c.id));
const worst = { final: 0, steps: 0 };

describe('golden samplers.json', () => {
  it('covers every registered sampler', () => {
    expect(new Set(cases.map((c) => c.sampler))).toEqual(new Set(Object.keys(SAMPLERS)));
    expect(golden.cases.filter((c) => NOT_SAMPLER_CASES.has(c.id)).every((c) => !c.ok)).toBe(true);
  });

  it('get_sigmas matches for 10, 25 and 50 steps (rel 1e-6)', () => {
    for (const [n, expected] of Object.entries(golden.schedule.get_sigmas)) {
      const ours = schedule.getSigmas(Number(n));
      expect(ours.length).toBe(expected.length);
      expected.forEach((g, i) =>
        expect(Math.abs((ours[i] ?? NaN) - g), `steps ${n} sigma ${i}`).toBeLessThanOrEqual(1e-6 * g),
      );
    }
  });

  it('alphas_cumprod from the SD betas matches the float32 buffer', () => {
    const ours = alphasCumprod(makeBetas(SD_SCHEDULE));
    expect(maxExcess(ours, ac, 0)).toBeLessThanOrEqual(0);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (id, c) => {
    const r = await run(c);
    expect(r.tEnc, `${id} t_enc`).toBe(c.t_enc);
    // The original stops at its error; where we go on (the F cases) only the draws before it are compared.
    const draws = c.ok ? r.draws : r.draws.slice(0, c.rng_draws.length);
    expect(draws, `${id} rng draws`).toEqual(c.rng_draws.map((d) => d.shape));
    // scale 1 (F, spec §24 item 39): one conditional call per evaluation where the original k-samplers crash.
    const uncondSkipped = c.scale === 1;
    if (c.ok) {
      expect(r.calls.length, `${id} model calls`).toBe(c.model_calls.count);
      expect(r.calls.map((m) => m.batch)).toEqual(c.model_calls.batch);
      // t of each call: dpm_adaptive's fractional steps carry its 1e-2 intermediate tolerance.
      const relative = c.sampler === 'dpm_adaptive' ? 5e-4 : 0;
      r.calls.forEach((m, i) => {
        const g = c.model_calls.t[i] ?? 0;
        expect(Math.abs((m.t[0] ?? NaN) - g), `${id} call ${i} t`).toBeLessThan(2e-3 + relative * g);
      });
    } else if (uncondSkipped) {
      expect(r.calls.length, `${id} model calls`).toBe(c.steps);
      expect(r.calls.every((m) => m.batch === 1)).toBe(true);
    } else {
      // dpm_fast / dpm_adaptive with t_enc 0 (F, spec §24 item 40): the start latent comes back, no call made.
      expect(r.calls.length).toBe(0);
      expect(r.final).toEqual(npy(c.files.x_start ?? ''));
    }
    if (c.files.x_start)
      expect(maxExcess(r.xStart, npy(c.files.x_start), 1e-6), `${id} x_start`).toBeLessThanOrEqual(0);
    const expectedSigmas = c.sampler_calls[0]?.sigmas;
    if (r.sigmas && expectedSigmas) {
      expectedSigmas.forEach((g, i) => expect(Math.abs((r.sigmas?.[i] ?? NaN) - g)).toBeLessThanOrEqual(1e-6 * g));
    }
    const call = c.sampler_calls[0];
    if (r.sigmas && call?.sigma_max !== undefined && r.sigmas.length > 1) {
      const sigmaMin = call.sigma_min ?? NaN;
      expect(Math.abs((r.sigmas[0] ?? NaN) - call.sigma_max)).toBeLessThanOrEqual(1e-6 * call.sigma_max);
      expect(Math.abs((r.sigmas[r.sigmas.length - 2] ?? NaN) - sigmaMin)).toBeLessThanOrEqual(1e-6 * sigmaMin);
    }
    if (c.callback) {
      expect(r.steps.length, `${id} callbacks`).toBe(c.callback.length);
      const relative = c.sampler === 'dpm_adaptive' ? 1e-3 : 1e-4;
      c.callback.forEach((g, i) =>
        expect(Math.abs((r.steps[i]?.sigma ?? NaN) - g.sigma), `${id} callback ${i} sigma`).toBeLessThanOrEqual(
          relative * g.sigma,
        ),
      );
      if (c.sampler === 'dpm_adaptive') {
        // Accepted attempts move σ; rejected ones leave it (the callback reports σ of the current point).
        const ours = r.steps.map((s, i) => s.sigma !== (i === 0 ? r.sigmas?.[0] : r.steps[i - 1]?.sigma));
        const theirs = c.callback.map(
          (g, i) => (g.n_accept ?? 0) > (i === 0 ? 0 : (c.callback?.[i - 1]?.n_accept ?? 0)),
        );
        expect(ours, `${id} accepted/rejected`).toEqual(theirs);
      }
    }
    if (c.files.final) {
      const excess = maxExcess(r.final, npy(c.files.final), 1e-3);
      worst.final = Math.max(worst.final, excess + 1e-3);
      expect(excess, `${id} final`).toBeLessThanOrEqual(0);
    }
    if (c.files.steps) {
      const rows = npy(c.files.steps);
      const per = 256;
      const compvis = SAMPLERS[c.sampler].kind === 'compvis';
      const width = compvis ? 3 : 2;
      expect(rows.length / (width * per), `${id} step rows`).toBe(r.steps.length);
      const abs = c.sampler === 'dpm_adaptive' ? 1e-2 : 1e-3;
      r.steps.forEach((s, i) => {
        const row = (k: number): Float32Array => rows.subarray((i * width + k) * per, (i * width + k + 1) * per);
        // k-samplers: [x before the update, denoised]; DDIM/PLMS: [x_in, pred_x0, x_out].
        const xIn = compvis ? (i === 0 ? r.xStart : (r.steps[i - 1]?.x ?? new Float32Array())) : s.x;
        const excess = Math.max(
          maxExcess(xIn, row(0), abs),
          maxExcess(s.denoised, row(1), abs),
          compvis ? maxExcess(s.x, row(2), abs) : -Infinity,
        );
        if (c.sampler !== 'dpm_adaptive') worst.steps = Math.max(worst.steps, excess + abs);
        expect(excess, `${id} step ${i}`).toBeLessThanOrEqual(0);
      });
    }
  });

  it('reports the largest errors', () => {
    console.info(
      `samplers golden: max final error ${worst.final.toExponential(2)}, max step error ${worst.steps.toExponential(2)}`,
    );
  });
});

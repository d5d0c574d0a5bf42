// The CFG wrapper against golden samplers.json `cfg_wrapper`: uncond_x0, cond_x0 and the guided output of
// Deforum's CFGDenoiserWithGrad around CompVisDenoiser, for the toy model at three sigmas (tolerance 1e-5 + 1e-5 rel).
import { describe, expect, it } from 'vitest';
import { guidedDenoiser, guidedEpsPredictor } from '../../../src/core/diffusion/denoiser.js';
import { discreteSchedule } from '../../../src/core/diffusion/noise-schedule.js';
import type { Latent } from '../../../src/core/diffusion/tensor.js';
import { goldenPath, readGoldenJson } from '../../support/golden.js';
import { readNpy } from '../../support/npy.js';
import { toyModel, type ModelCall } from '../../support/toy-ldm.js';

const f32 = (file: string): Float32Array => readNpy(goldenPath(file)).data as Float32Array;
const golden = readGoldenJson<{ cfg_wrapper: { cases: { sigma: number; outputs: string }[] } }>('samplers.json');
const ac = f32('samplers/alphas_cumprod_f32.npy');
const schedule = discreteSchedule(ac);
const cond: Latent = { shape: [1, 2, 4, 8, 8], data: f32('samplers/toy_cond.npy') };
const uncond: Latent = { shape: [1, 2, 4, 8, 8], data: f32('samplers/toy_uncond.npy') };
const x: Latent = { shape: [1, 4, 8, 8], data: f32('samplers/cfg_x.npy') };

function close(ours: Float32Array, expected: Float32Array): void {
  expected.forEach((g, i) => expect(Math.abs((ours[i] ?? NaN) - g)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(g)));
}

describe.each(golden.cfg_wrapper.cases)('guided denoiser at sigma $sigma', ({ sigma, outputs }) => {
  const expected = f32(outputs);
  const part = (k: number): Float32Array => expected.subarray(k * 256, (k + 1) * 256);
  const denoiser = (scale: number, batchCondUncond: boolean, calls: ModelCall[] = []) =>
    guidedDenoiser(schedule, {
      model: toyModel(ac, calls),
      parameterization: 'eps',
      cond,
      uncond,
      scale,
      batchCondUncond,
    });

  it('guides in x0 space with one batched call', async () => {
    const calls: ModelCall[] = [];
    close((await denoiser(7, true, calls)(x, sigma)).data, part(2));
    expect(calls.map((c) => c.batch)).toEqual([2]);
  });

  it('gives the same result with two calls', async () => {
    const calls: ModelCall[] = [];
    close((await denoiser(7, false, calls)(x, sigma)).data, part(2));
    expect(calls.map((c) => c.batch)).toEqual([1, 1]);
  });

  it('scale 0 is the unconditional x0; scale 1 is one conditional call (F, item 39)', async () => {
    close((await denoiser(0, true)(x, sigma)).data, part(0));
    const calls: ModelCall[] = [];
    close((await denoiser(1, true, calls)(x, sigma)).data, part(1));
    expect(calls.map((c) => c.batch)).toEqual([1]);
  });
});

describe('guided eps predictor', () => {
  it('combines eps as e_u + scale·(e_c − e_u) at integer t', async () => {
    const model = toyModel(ac);
    const predict = guidedEpsPredictor(ac, {
      model,
      parameterization: 'eps',
      cond,
      uncond,
      scale: 7,
      batchCondUncond: true,
    });
    const t = new Float32Array([301]);
    const eu = (await model(x, t, uncond)).data;
    const ec = (await model(x, t, cond)).data;
    const out = (await predict(x, 301)).data;
    out.forEach((v, i) => expect(v).toBeCloseTo((eu[i] ?? 0) + 7 * ((ec[i] ?? 0) - (eu[i] ?? 0)), 4));
  });

  it('converts v to eps for DDIM and to x0 for the k-samplers consistently', async () => {
    // Any v output: both wrappers must describe the same x0 at the same noise level (t = 301 ↔ its σ).
    const vModel = (xi: Latent): Promise<Latent> =>
      Promise.resolve({ shape: xi.shape, data: new Float32Array(xi.data.length).fill(0.3) });
    const options = { model: vModel, parameterization: 'v' as const, cond, uncond, scale: 1, batchCondUncond: true };
    const a = ac[301] ?? 0;
    const sigma = Math.sqrt((1 - a) / a);
    const xVp = x;
    const xK: Latent = { shape: x.shape, data: x.data.map((v) => v / Math.sqrt(a)) };
    const eps = (await guidedEpsPredictor(ac, options)(xVp, 301)).data;
    const x0FromEps = xVp.data.map((v, i) => (v - Math.sqrt(1 - a) * (eps[i] ?? 0)) / Math.sqrt(a));
    const x0 = (await guidedDenoiser(schedule, options)(xK, sigma)).data;
    x0.forEach((v, i) => expect(v).toBeCloseTo(x0FromEps[i] ?? NaN, 4));
  });
});

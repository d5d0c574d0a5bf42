import { describe, expect, it } from 'vitest';
import { clampSchedule, gradientClamp } from '../../../../src/core/diffusion/guidance/grad-threshold.js';

const sigmas = Float32Array.from([14, 7, 3, 1, 0]);
const base = { clamp_grad_threshold: 0.2, clamp_start: 0.2, clamp_stop: 0.01 };
const shape = [2, 1, 1, 2];

function run(type: 'dynamic' | 'static' | 'mean' | 'schedule', values: number[], sigma = 7, tau = 0.2): number[] {
  const step = new Float32Array(values.length);
  gradientClamp({ ...base, clamp_grad_threshold: tau, grad_threshold_type: type }, sigmas)(
    Float64Array.from(values),
    step,
    shape,
    sigma,
  );
  return [...step];
}

describe('gradientClamp', () => {
  it('dynamic with the default 0.2 (a percentile) clamps to [−1, 1]', () => {
    expect(run('dynamic', [3, -0.5, 0.25, -2])).toEqual([1, -0.5, 0.25, -1]);
  });
  it.each(['dynamic', 'static', 'mean', 'schedule'] as const)('%s turns NaN into 0', (type) => {
    const [nan, , finite] = run(type, [NaN, 0.05, 0.1, -0.05]);
    expect(nan).toBe(0);
    expect(finite).toBeGreaterThan(0);
  });
  it('dynamic with a high percentile divides by s', () => {
    // sample 2: |g| = [0.25, 4] → 100th percentile 4; s = 4.
    expect(run('dynamic', [3, -0.5, 0.25, -4], 7, 100)).toEqual([0.75, -0.125, 0.0625, -1]);
  });
  it('static clamps to [−τ, τ]', () => {
    expect(run('static', [3, -0.1, 0.25, -2]).map((v) => Math.fround(v))).toEqual(
      [0.2, -0.1, 0.2, -0.2].map(Math.fround),
    );
  });
  it('mean scales each sample whose RMS exceeds τ down to τ', () => {
    const [a = 0, b = 0, c = 0, d = 0] = run('mean', [0.3, 0.4, 0.01, 0.02]);
    expect(Math.hypot(a, b) / Math.SQRT2).toBeCloseTo(0.2, 6);
    expect([c, d]).toEqual([Math.fround(0.01), Math.fround(0.02)]);
  });
  it('schedule caps the RMS of the whole gradient at c(σ)', () => {
    const g = run('schedule', [1, 1, 1, 1], 3);
    // c at the third of five sigmas: 0.2 + (0.01 − 0.2)·2/4.
    expect(g[0]).toBeCloseTo(0.105, 6);
  });
  it('schedule leaves an all-zero gradient at zero (the original writes NaN)', () => {
    expect(run('schedule', [0, 0, 0, 0])).toEqual([0, 0, 0, 0]);
  });
});

describe('clampSchedule', () => {
  it('is exact on the sigmas, linear between them, constant outside', () => {
    const c = clampSchedule({ ...base, grad_threshold_type: 'schedule' }, sigmas);
    expect(c(14)).toBeCloseTo(0.2, 12);
    expect(c(0)).toBeCloseTo(0.01, 12);
    expect(c(5)).toBeCloseTo((0.2 - 0.0475 + (0.2 - 0.095)) / 2, 12);
    expect(c(20)).toBeCloseTo(0.2, 12);
  });
});

import { describe, expect, it } from 'vitest';
import {
  alphasCumprod,
  ddimSchedule,
  discreteSchedule,
  img2imgStepCount,
  makeBetas,
  SD_SCHEDULE,
  truncateDdimSchedule,
  truncateSigmas,
} from '../../../src/core/diffusion/noise-schedule.js';

const schedule = discreteSchedule(alphasCumprod(makeBetas(SD_SCHEDULE)));

describe('noise schedule', () => {
  it('builds the three diffusers beta schedules', () => {
    const base = { betaStart: 0.0001, betaEnd: 0.02, numTrainTimesteps: 1000, stepsOffset: 1 };
    const linear = makeBetas({ ...base, betaSchedule: 'linear' });
    expect([linear[0], linear[999]]).toEqual([0.0001, 0.02]);
    const scaled = makeBetas({ ...base, betaSchedule: 'scaled_linear' });
    expect(scaled[999]).toBeCloseTo(0.02, 15);
    expect(scaled[500]).toBeLessThan(linear[500] ?? 0);
    const cosine = makeBetas({ ...base, betaSchedule: 'squaredcos_cap_v2' });
    expect(cosine[999]).toBe(0.999);
    expect(cosine[0]).toBeGreaterThan(0);
  });

  it('maps sigma to t and back', () => {
    for (const t of [0, 0.5, 10.25, 500, 998.5, 999]) {
      expect(schedule.sigmaToT(schedule.tToSigma(t))).toBeCloseTo(t, 2);
    }
    expect(schedule.sigmaToT(schedule.sigmaMin / 2)).toBe(0);
    expect(schedule.sigmaToT(schedule.sigmaMax * 2)).toBe(999);
  });

  it('get_sigmas runs from sigma_max down to sigma_min and appends 0', () => {
    const sigmas = schedule.getSigmas(10);
    expect(sigmas.length).toBe(11);
    expect(sigmas[0]).toBeCloseTo(schedule.sigmaMax, 5);
    expect(sigmas[9]).toBeCloseTo(schedule.sigmaMin, 6);
    expect(sigmas[10]).toBe(0);
  });

  it.each([
    [0.65, 50, 17],
    [0.8, 50, 9],
    [0.9, 50, 4],
    [0.7, 50, 15],
    [0.9, 10, 0],
    [0, 10, 10],
    [1, 10, 0],
  ])('strength %f at %i steps runs %i steps (float truncation as Python)', (strength, steps, expected) => {
    expect(img2imgStepCount(strength, steps)).toBe(expected);
  });

  it('keeps the last t_enc + 1 sigmas', () => {
    const sigmas = schedule.getSigmas(10);
    expect([...truncateSigmas(sigmas, 3)]).toEqual([...sigmas.slice(7)]);
    expect([...truncateSigmas(sigmas, 0)]).toEqual([0]);
    expect(truncateSigmas(sigmas, 10).length).toBe(11);
  });

  it('DDIM timesteps are 1, 1 + 1000 // steps, … with one more entry when steps does not divide 1000', () => {
    const ddim = ddimSchedule(alphasCumprod(makeBetas(SD_SCHEDULE)), 10, 0);
    expect([...ddim.timesteps]).toEqual([1, 101, 201, 301, 401, 501, 601, 701, 801, 901]);
    expect([...ddim.sigmas].every((s) => s === 0)).toBe(true);
    expect(ddimSchedule(alphasCumprod(makeBetas(SD_SCHEDULE)), 30, 0).timesteps.length).toBe(31);
    expect([...truncateDdimSchedule(ddim, 3).timesteps]).toEqual([1, 101, 201]);
    expect(() => ddimSchedule(alphasCumprod(makeBetas(SD_SCHEDULE)), 2000, 0)).toThrow(RangeError);
  });
});

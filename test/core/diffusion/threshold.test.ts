import { describe, expect, it } from 'vitest';
import { applyThresholds } from '../../../src/core/diffusion/threshold.js';

describe('applyThresholds', () => {
  it('static clamps to [-v, v]', () => {
    const x = { shape: [1, 4], data: Float32Array.from([-3, -0.5, 0.5, 3]) };
    applyThresholds(x, { dynamic_threshold: null, static_threshold: 1 });
    expect([...x.data]).toEqual([-1, -0.5, 0.5, 1]);
  });

  it('dynamic clamps to the percentile of |x| (numpy linear) and rescales to [-1, 1]', () => {
    const x = { shape: [1, 5], data: Float32Array.from([-4, -2, 0, 2, 3]) };
    // |x| sorted 0 2 2 3 4; the 50th percentile is 2.
    applyThresholds(x, { dynamic_threshold: 50, static_threshold: null });
    expect([...x.data]).toEqual([-1, -1, 0, 1, 1]);
  });

  it('never scales up: s is at least 1', () => {
    const x = { shape: [1, 2], data: Float32Array.from([0.25, -0.5]) };
    applyThresholds(x, { dynamic_threshold: 99.5, static_threshold: null });
    expect([...x.data]).toEqual([0.25, -0.5]);
  });
});

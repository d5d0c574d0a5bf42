import { describe, expect, it } from 'vitest';

import { XoshiroNormal } from '../../../src/core/diffusion/xoshiro-normal.js';

/** Φ(x) through erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7: far below the tolerances here). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}

describe('XoshiroNormal', () => {
  it('is deterministic per seed, continues its stream, and differs between seeds', () => {
    const a = new XoshiroNormal(123);
    const first = a.randn([1000]);
    const second = a.randn([1000]);
    expect(Array.from(new XoshiroNormal(123).randn([2000]))).toEqual([...first, ...second]);
    expect(Array.from(new XoshiroNormal(124).randn([1000]))).not.toEqual(Array.from(first));
    expect(new XoshiroNormal(0).randn([4]).every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
  });

  it('rejects seeds outside [0, 2^32 − 1]', () => {
    expect(() => new XoshiroNormal(-1)).toThrow(RangeError);
    expect(() => new XoshiroNormal(2 ** 32)).toThrow(RangeError);
    expect(() => new XoshiroNormal(0.5)).toThrow(RangeError);
  });

  it.each([1, 42, 2 ** 32 - 1])('seed %i: mean, std, skew, kurtosis and histogram of N(0, 1)', (seed) => {
    const n = 1_000_000;
    const values = new XoshiroNormal(seed).randn([n]);
    let mean = 0;
    for (const v of values) mean += v;
    mean /= n;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const v of values) {
      const d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(Math.sqrt(m2) - 1)).toBeLessThan(0.003);
    expect(Math.abs(m3 / n / m2 ** 1.5)).toBeLessThan(0.015);
    expect(Math.abs(m4 / n / m2 ** 2 - 3)).toBeLessThan(0.03);

    // χ² over 18 bins (tails beyond ±4 included); the 0.1 % critical value for 17 degrees of freedom is 40.8.
    const edges = [-Infinity, -4, -3.5, -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, Infinity];
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (const v of values) {
      let bin = 0;
      while (v >= (edges[bin + 1] as number)) bin++;
      counts[bin] = (counts[bin] as number) + 1;
    }
    let chi2 = 0;
    counts.forEach((count, bin) => {
      const expected = (normalCdf(edges[bin + 1] as number) - normalCdf(edges[bin] as number)) * n;
      chi2 += (count - expected) ** 2 / expected;
    });
    expect(chi2).toBeLessThan(40.8);
    // The ziggurat's tail reaches beyond its start R ≈ 3.44 on both sides.
    expect(values.reduce((a, b) => Math.min(a, b))).toBeLessThan(-4);
    expect(values.reduce((a, b) => Math.max(a, b))).toBeGreaterThan(4);
  });

  it('neighbouring values are uncorrelated', () => {
    const values = new XoshiroNormal(7).randn([200_000]);
    let lag1 = 0;
    for (let i = 1; i < values.length; i++) lag1 += (values[i] as number) * (values[i - 1] as number);
    expect(Math.abs(lag1 / values.length)).toBeLessThan(4 / Math.sqrt(values.length));
  });
});

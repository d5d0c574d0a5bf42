// The SIMD passes of the guided denoiser against the JavaScript loops they replaced (float64 arithmetic, float32
// stores), bit for bit, at sizes below, at and across the kernels' chunk of 16384 elements.
import { describe, expect, it } from 'vitest';

import { guidedX0, scaledTwice } from '../../../src/core/diffusion/denoiser-simd.js';

/** A deterministic spread of float32 values, some large, some tiny, some negative zero. */
function values(count: number, seed: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => {
    const v = Math.sin(seed * 1.7 + i * 12.9898) * 43758.5453;
    const fraction = v - Math.floor(v);
    return i % 997 === 0 ? -0 : (fraction - 0.5) * 10 ** ((i % 7) - 3);
  });
}

const firstDifference = (a: Float32Array, b: Float32Array): number =>
  a.length !== b.length ? -2 : a.findIndex((value, i) => !Object.is(value, b[i]));

describe('denoiser SIMD passes', () => {
  it.each([5, 16384, 16384 + 4, 3 * 16384 + 3])('scaledTwice equals [x·c_in, x·c_in] for %i values', (count) => {
    const xs = values(count, 1);
    const cIn = 1 / Math.sqrt(14.6 ** 2 + 1);
    const expected = new Float32Array(2 * count);
    xs.forEach((x, i) => {
      expected[i] = x * cIn;
      expected[count + i] = x * cIn;
    });
    expect(firstDifference(scaledTwice(xs, cIn), expected)).toBe(-1);
  });

  it.each([
    { count: 7, skip: 1, out: -3.7, scale: 7.5 },
    { count: 16384, skip: 1, out: -14.6, scale: 7 },
    { count: 2 * 16384 + 5, skip: 1 / (2.5 ** 2 + 1), out: -2.5 / Math.sqrt(2.5 ** 2 + 1), scale: 12.25 },
  ])('guidedX0 equals u + (c − u)·scale for $count values, skip $skip', ({ count, skip, out, scale }) => {
    const xs = values(count, 2);
    const uncond = values(count, 3);
    const cond = values(count, 4);
    const expected = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const base = (xs[i] as number) * skip;
      const u = Math.fround(base + (uncond[i] as number) * out);
      const c = Math.fround(base + (cond[i] as number) * out);
      expected[i] = u + (c - u) * scale;
    }
    const x0 = new Float32Array(count);
    guidedX0(x0, xs, skip, uncond, cond, out, scale);
    expect(firstDifference(x0, expected)).toBe(-1);
  });
});

// klms's SIMD update against one in-place float32 pass per term (what it replaced), bit for bit, for one to four
// terms and at sizes across the kernel's chunk of 16384 elements.
import { describe, expect, it } from 'vitest';

import { addTermsInPlace } from '../../../../src/core/diffusion/samplers/multistep-simd.js';

function values(count: number, seed: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => {
    const v = Math.sin(seed * 3.1 + i * 78.233) * 43758.5453;
    return (v - Math.floor(v) - 0.5) * 10 ** ((i % 5) - 2);
  });
}

describe('addTermsInPlace', () => {
  it.each([
    { count: 9, terms: 1 },
    { count: 16384, terms: 2 },
    { count: 16384 + 3, terms: 3 },
    { count: 2 * 16384 + 100, terms: 4 },
  ])('$terms terms on $count values equal a float32 pass per term', ({ count, terms }) => {
    const coeffs = [0.37, -0.21, 0.093, -0.0141].slice(0, terms);
    const ds = coeffs.map((_, j) => values(count, j + 2));
    const expected = values(count, 1);
    coeffs.forEach((c, j) => {
      const d = ds[j] as Float32Array;
      for (let k = 0; k < count; k++) expected[k] = (expected[k] as number) + c * (d[k] as number);
    });
    const x = values(count, 1);
    addTermsInPlace(x, coeffs, ds);
    expect(x.findIndex((value, k) => !Object.is(value, expected[k]))).toBe(-1);
  });

  it('takes one to four terms', () => {
    expect(() => addTermsInPlace(new Float32Array(4), [], [])).toThrow(RangeError);
    const five = Array.from({ length: 5 }, () => new Float32Array(4));
    expect(() => addTermsInPlace(new Float32Array(4), [1, 1, 1, 1, 1], five)).toThrow(RangeError);
  });
});

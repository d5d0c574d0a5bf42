import { describe, expect, it } from 'vitest';

import { fma32 } from '../../../src/core/diffusion/avx-mathfun.js';
import { createTorchGenerator, TorchGenerator } from '../../../src/core/diffusion/torch-generator.js';
import { laneByLaneRandn } from './lane-by-lane-randn.js';

describe('TorchGenerator', () => {
  it('torch.manual_seed(42); torch.randn(4) (scalar path) gives torch’s documented values', () => {
    const values = Array.from(createTorchGenerator(42).randn([4]));
    [0.3367, 0.1288, 0.2345, 0.2303].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 4));
  });

  it('scalar draws keep the cached sine across calls: randn(3) twice equals randn(6)', () => {
    const split = createTorchGenerator(7);
    const joined = Array.from(createTorchGenerator(7).randn([6]));
    expect([...split.randn([3]), ...split.randn([3])]).toEqual(joined);
  });

  it('a length that is not a multiple of 16 redraws the last 16 values only', () => {
    const long = createTorchGenerator(3).randn([17]);
    const block = createTorchGenerator(3).randn([16]);
    expect(long[0]).toBe(block[0]);
    expect(long[1]).not.toBe(block[1]);
  });

  it.each([
    { shape: [1, 4, 8, 8], length: 256 },
    { shape: [5], length: 5 },
    { shape: [0], length: 0 },
  ])('draws elementCount(shape) values for $shape', ({ shape, length }) => {
    expect(createTorchGenerator(0).randn(shape)).toHaveLength(length);
  });

  it('is deterministic per seed and continues its stream', () => {
    const a = createTorchGenerator(11);
    const b = createTorchGenerator(11);
    const first = a.randn([32]);
    expect(b.randn([32])).toEqual(first);
    expect(a.randn([32])).not.toEqual(first);
  });
});

describe('TorchGenerator vectorised path', () => {
  it.each([16, 16384, 2 * 16384 + 16, 16384 + 17])(
    'randn([%i]) equals the lane-by-lane reference (kernel chunks and the tail block)',
    (count) => {
      const drawn = new TorchGenerator(99).randn([count]);
      const expected = laneByLaneRandn(99, count);
      const differ = drawn.findIndex((value, i) => !Object.is(value, expected[i]));
      expect(differ, `first differing index of ${count}`).toBe(-1);
    },
  );
});

describe('TorchGenerator.skipRandn', () => {
  it('several skips in a row, vectorised and scalar, leave the stream where the draws would', () => {
    const skipped = new TorchGenerator(5);
    const drawn = new TorchGenerator(5);
    for (const count of [16384, 17, 16384, 3, 640]) {
      skipped.skipRandn([count]);
      drawn.randn([count]);
    }
    expect(Array.from(skipped.randn([16384 + 9]))).toEqual(Array.from(drawn.randn([16384 + 9])));
  });

  it.each([3, 15, 16, 17, 624, 1250, 16384])('skipping %i values leaves the stream where randn would', (count) => {
    const skipped = new TorchGenerator(7);
    skipped.randn([5]);
    skipped.skipRandn([count]);
    const drawn = new TorchGenerator(7);
    drawn.randn([5]);
    drawn.randn([count]);
    expect(Array.from(skipped.randn([40]))).toEqual(Array.from(drawn.randn([40])));
    expect(Array.from(skipped.randn([3]))).toEqual(Array.from(drawn.randn([3])));
  });
});

describe('fma32', () => {
  it.each([
    // The exact sum is 2^-70 below the float midpoint 1 + 3·2^-24; a double sum rounds onto the midpoint and a
    // second rounding would go up to the even 1 + 2^-22.
    { a: 1 + 2 ** -23, b: 2 ** -24 * (1 - 2 ** -23), c: 1 + 2 ** -23, expected: 1 + 2 ** -23 },
    { a: 1 + 2 ** -23, b: 2 ** -24, c: 1, expected: 1 + 2 ** -23 },
    { a: 3, b: 0.5, c: 0.25, expected: 1.75 },
  ])('fma32($a, $b, $c) = $expected', ({ a, b, c, expected }) => {
    expect(fma32(Math.fround(a), Math.fround(b), Math.fround(c))).toBe(expected);
  });
});

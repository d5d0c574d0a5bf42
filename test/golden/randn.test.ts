/**
 * Parity with `torch.manual_seed(seed); torch.randn(shape)` twice in a row on the CPU (golden randn.json, README
 * "randn.json"). README tolerance: ≤ 1e-6 per element; our port is bit-exact, so the test demands equality.
 */
import { describe, expect, it } from 'vitest';

import { createTorchGenerator } from '../../src/core/diffusion/torch-generator.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { readNpy } from '../support/npy.js';

interface RandnCase {
  seed: number;
  shape: number[];
  first: string;
  second_draw: string;
  first16: number[];
}

const { cases } = readGoldenJson<{ cases: RandnCase[] }>('randn.json');

function mismatches(actual: Float32Array, expected: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) count++;
  return count;
}

describe('golden randn.json: torch CPU randn stream', () => {
  it.each(cases)('seed $seed shape $shape: first and second draw are bit-exact', (c) => {
    const rng = createTorchGenerator(c.seed);
    const first = rng.randn(c.shape);
    const second = rng.randn(c.shape);
    const expectedFirst = readNpy(goldenPath(c.first)).data;
    const expectedSecond = readNpy(goldenPath(c.second_draw)).data;
    expect(first.length).toBe(expectedFirst.length);
    expect(Array.from(first.subarray(0, c.first16.length))).toEqual(c.first16);
    expect(mismatches(first, expectedFirst), `first draw, seed ${c.seed}`).toBe(0);
    expect(mismatches(second, expectedSecond), `second draw, seed ${c.seed}`).toBe(0);
  });
});

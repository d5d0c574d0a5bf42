import { describe, expect, it } from 'vitest';
import { DeforumError } from '../../../src/core/errors.js';
import {
  generatorSeed,
  nextSeed,
  resolveSeed,
  type SeedRule,
  type SeedState,
} from '../../../src/core/animation/seeds.js';

function seeds(start: number, rule: SeedRule, calls: number): number[] {
  const out = [start];
  let state: SeedState = { seed: start, seedInternal: 0 };
  for (let i = 1; i < calls; i++) {
    state = nextSeed(state, rule);
    out.push(state.seed);
  }
  return out;
}

describe('nextSeed', () => {
  // The seeds of successive generations, starting with the run's first seed (spec §16).
  it.each<[string, SeedRule, number[]]>([
    ['iter N=1', { behavior: 'iter', iterN: 1 }, [10, 11, 12, 13, 14]],
    // The first seed is used once, later seeds N times: the counter is tested before it is incremented.
    ['iter N=3', { behavior: 'iter', iterN: 3 }, [10, 11, 11, 11, 12, 12, 12, 13]],
    ['fixed', { behavior: 'fixed', iterN: 1 }, [10, 10, 10, 10]],
    ['ladder', { behavior: 'ladder', iterN: 1 }, [10, 12, 11, 13, 12, 14]],
    ['alternate', { behavior: 'alternate', iterN: 4 }, [10, 11, 10, 11, 10]],
  ])('%s', (_name, rule, expected) => {
    expect(seeds(10, rule, expected.length)).toEqual(expected);
  });

  it('never wraps: iter counts past 2^32 − 1', () => {
    expect(seeds(2 ** 32 - 2, { behavior: 'iter', iterN: 1 }, 4)).toEqual([
      2 ** 32 - 2,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
    ]);
  });

  it('random chains Python randint seeded with the current seed, leaving the counter alone', () => {
    const state = nextSeed({ seed: 42, seedInternal: 5 }, { behavior: 'random', iterN: 1 });
    expect(state).toEqual({ seed: 2746317213, seedInternal: 5 });
    expect(nextSeed(state, { behavior: 'random', iterN: 1 }).seed).toBe(3929441273);
  });

  it('random seeds its generator with the reduced seed when the seed is out of range', () => {
    const rule: SeedRule = { behavior: 'random', iterN: 1 };
    expect(nextSeed({ seed: 2 ** 32 + 42, seedInternal: 0 }, rule).seed).toBe(2746317213);
  });

  it('does not change the state it is given', () => {
    const state = Object.freeze({ seed: 1, seedInternal: 0 });
    expect(nextSeed(state, { behavior: 'ladder', iterN: 1 })).toEqual({ seed: 3, seedInternal: 1 });
    expect(state).toEqual({ seed: 1, seedInternal: 0 });
  });

  it.each([0, -1, 1.5])('rejects seed_iter_N = %s with a settings error', (iterN) => {
    const call = (): SeedState => nextSeed({ seed: 1, seedInternal: 0 }, { behavior: 'iter', iterN });
    expect(call).toThrow(DeforumError);
    expect(call).toThrow(/seed_iter_N/);
  });
});

describe('generatorSeed', () => {
  it.each([
    [0, 0],
    [42, 42],
    [2 ** 32 - 1, 2 ** 32 - 1],
    [2 ** 32, 0],
    [2 ** 32 + 5, 5],
    [-1, 2 ** 32 - 1],
    [-5, 2 ** 32 - 5],
  ])('%i → %i', (seed, expected) => {
    expect(generatorSeed(seed)).toBe(expected);
  });
});

describe('resolveSeed', () => {
  it('draws seed -1 from the injected source over the whole range', () => {
    expect(resolveSeed(-1, () => 0)).toBe(0);
    expect(resolveSeed(-1, () => 0.5)).toBe(2 ** 31);
    expect(resolveSeed(-1, () => 1 - 2 ** -53)).toBe(2 ** 32 - 1);
  });

  it('keeps every other seed and does not draw', () => {
    const never = (): number => {
      throw new Error('drew a random number');
    };
    expect(resolveSeed(0, never)).toBe(0);
    expect(resolveSeed(7, never)).toBe(7);
    expect(resolveSeed(-2, never)).toBe(-2);
  });
});

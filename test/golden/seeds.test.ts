// Golden parity for seeds.json: 30 calls of next_seed per case from seed_internal = 0. Tolerance: exact.
// For `random` (and any unrecognised value, which the original treats as random) the deterministic chain of the
// real loop is compared: generate() re-seeds Python's random with the current seed just before next_seed.
import { describe, expect, it } from 'vitest';
import { nextSeed, type SeedBehavior, type SeedState } from '../../src/core/animation/seeds.js';
import { readGoldenJson } from '../support/golden.js';

interface SeedCase {
  behavior: string;
  seed: number;
  seed_iter_N: number;
  steps: number;
  start_seed_internal: number;
  deterministic: boolean;
  sequence?: number[];
  seed_internal?: number[];
  chain_if_random_seeded_with_current_seed?: number[];
}

const golden = readGoldenJson<{ cases: SeedCase[] }>('seeds.json');
const KNOWN: readonly string[] = ['iter', 'fixed', 'random', 'ladder', 'alternate'] satisfies SeedBehavior[];

function run(c: SeedCase, behavior: SeedBehavior): SeedState[] {
  const states: SeedState[] = [];
  let state: SeedState = { seed: c.seed, seedInternal: c.start_seed_internal };
  for (let i = 0; i < c.steps; i++) {
    state = nextSeed(state, { behavior, iterN: c.seed_iter_N });
    states.push(state);
  }
  return states;
}

describe('golden seeds.json', () => {
  it.each(golden.cases.map((c) => [`${c.behavior} seed=${c.seed} N=${c.seed_iter_N}`, c] as const))(
    '%s',
    (_name, c) => {
      const behavior = (KNOWN.includes(c.behavior) ? c.behavior : 'random') as SeedBehavior;
      const states = run(c, behavior);
      if (c.deterministic) {
        expect(states.map((s) => s.seed)).toEqual(c.sequence);
        expect(states.map((s) => s.seedInternal)).toEqual(c.seed_internal);
      } else {
        expect(behavior).toBe('random');
        expect(states.map((s) => s.seed)).toEqual(c.chain_if_random_seeded_with_current_seed);
        expect(states.every((s) => s.seed >= 0 && s.seed <= 2 ** 32 - 1)).toBe(true);
      }
    },
  );
});

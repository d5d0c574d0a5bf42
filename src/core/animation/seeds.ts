/**
 * The seed of each generation: `seed = -1` resolved once, the next seed after every generation call, and the seed
 * actually handed to a random generator.
 *
 * Matches Deforum v0.7.1 `helpers/render.py` `next_seed(args)` (spec §16, golden seeds.json) as a pure step over
 * `{ seed, seedInternal }` (`args.seed`, `args.seed_internal`). Spec §24 item 41 is kept (B):
 * - `iter` tests `seedInternal % seedIterN === 0` before counting, so the first call already advances and the
 *   first seed is used once, later seeds `seedIterN` times;
 * - `random` is deterministic: `generate()` has just called `random.seed(seed)` (through `seed_everything`), so the
 *   next seed is the first `randint(0, 2^32 − 1)` of Python's MT19937 seeded with the current seed;
 * - seeds never wrap: `iter` counts past 2^32 − 1 and that is the number shown and used in file names.
 * `schedule` (the A1111 extension's, docs/deviations.md) sets the seed of each diffused frame f to
 * `seed_schedule[f]` truncated to an integer (`seedAtFrame`), and `next_seed` leaves it alone.
 */
import { DeforumError } from '../errors.js';
import { expandFiniteSchedule } from '../schedule/expand-finite.js';
import { scheduleVariables } from '../settings/schedule-settings.js';
import type { DeforumSettings } from '../settings/schema.js';
import { PythonRandom } from './python-random.js';

export type SeedBehavior = DeforumSettings['seed_behavior'];

export interface SeedRule {
  behavior: SeedBehavior;
  /** `seed_iter_N`: with `iter`, how many generations share one seed (the first seed excepted). */
  iterN: number;
  /** `schedule`: `seed_schedule` expanded over max_frames with `s` and `max_f`; absent for the other behaviours. */
  schedule?: Float64Array;
}

export interface SeedState {
  seed: number;
  /** `seed_internal`: the run-wide counter of `iter`, or the up/down phase (0 or 1) of `ladder` and `alternate`. */
  seedInternal: number;
}

/** Draws uniformly from [0, 1), like `Math.random`; injected so that resolving `seed = -1` stays testable. */
export type UniformSource = () => number;

const SEED_RANGE = 2 ** 32;
const MAX_SEED = SEED_RANGE - 1;
const RANDOM_SEED = -1;

/** The state after one generation call: `next_seed`. */
export function nextSeed(state: SeedState, rule: SeedRule): SeedState {
  const { seed, seedInternal } = state;
  switch (rule.behavior) {
    case 'iter':
      if (!Number.isInteger(rule.iterN) || rule.iterN < 1) {
        throw new DeforumError(
          {
            code: 'settings_invalid',
            issues: [
              {
                setting: 'seed_iter_N',
                message: 'seed_iter_N must be a whole number ≥ 1',
                given: String(rule.iterN),
                allowed: 'an integer ≥ 1',
              },
            ],
          },
          `seed_iter_N is ${rule.iterN}; it must be a whole number ≥ 1 (1 = a new seed for every frame).`,
        );
      }
      return { seed: seedInternal % rule.iterN === 0 ? seed + 1 : seed, seedInternal: seedInternal + 1 };
    case 'ladder':
      return seedInternal === 0 ? { seed: seed + 2, seedInternal: 1 } : { seed: seed - 1, seedInternal: 0 };
    case 'alternate':
      return seedInternal === 0 ? { seed: seed + 1, seedInternal: 1 } : { seed: seed - 1, seedInternal: 0 };
    case 'fixed':
    case 'schedule':
      return state;
    case 'random':
      return { seed: new PythonRandom(generatorSeed(seed)).randint(0, MAX_SEED), seedInternal };
  }
}

/** The run's seed rule; `seed` must be resolved (≥ 0), it is the schedule's `s`. */
export function seedRuleOf(settings: DeforumSettings): SeedRule {
  const rule: SeedRule = { behavior: settings.seed_behavior, iterN: settings.seed_iter_N };
  if (settings.seed_behavior !== 'schedule') return rule;
  const variables = scheduleVariables('seed_schedule', settings.seed, settings.max_frames);
  const schedule = expandFiniteSchedule(settings.seed_schedule, settings.max_frames, {
    setting: 'seed_schedule',
    ...(variables && { variables }),
  });
  return { ...rule, schedule };
}

/**
 * The seed state of the generation for frame `frame`: with `schedule`, `seed_schedule[frame]` truncated to an
 * integer (past the schedule's end its last value; `generatorSeed` takes any integer); otherwise `state` itself.
 */
export function seedAtFrame(state: SeedState, rule: SeedRule, frame: number): SeedState {
  const values = rule.schedule;
  if (rule.behavior !== 'schedule' || values === undefined || values.length === 0) return state;
  const value = values[Math.min(Math.max(frame, 0), values.length - 1)] ?? 0;
  return { seed: Math.trunc(value), seedInternal: state.seedInternal };
}

/**
 * The seed handed to Python/numpy/torch generators for a generation with `seed`. In range [0, 2^32 − 1] it is the
 * seed itself. Outside it, the original (`seed_everything`) silently draws an unrelated random seed, which makes the
 * render impossible to repeat; we take the seed modulo 2^32 instead, so an `iter` run past 2^32 − 1 wraps its
 * noise while keeping the unwrapped number for display and file names (docs/deviations.md, item 41).
 */
export function generatorSeed(seed: number): number {
  return ((seed % SEED_RANGE) + SEED_RANGE) % SEED_RANGE;
}

/** The run's first seed: `seed = -1` means a random seed in [0, 2^32 − 1]; any other value is kept as given. */
export function resolveSeed(seed: number, random: UniformSource): number {
  return seed === RANDOM_SEED ? Math.floor(random() * SEED_RANGE) : seed;
}

/**
 * Parity with the notebook's get_inbetweens(parse_key_frames(...)) on every case of schedules.json.
 * Tolerance (golden README): |ours − golden| ≤ 1e-9·max(1, |golden|); integers, strings and null exactly.
 * Cases that exercise a §24 quirk we fixed are set aside by one rule per quirk on the case inputs, and our fixed
 * behaviour is tested on those same inputs instead.
 */
import { describe, expect, it } from 'vitest';
import { DeforumError } from '../../src/core/errors.js';
import { expandSchedule, expandStringSchedule } from '../../src/core/schedule/index.js';
import { readGoldenJson } from '../support/golden.js';

interface ScheduleCase {
  id: string;
  note: string;
  string: string;
  max_frames: number;
  integer: boolean;
  interp_method: string;
  is_single_string: boolean;
  ok: boolean;
  series?: (number | string | null)[];
}

const { cases } = readGoldenJson<{ cases: ScheduleCase[] }>('schedules.json');

/** §24 item 1 (F): the string has keys but none at frame 0. */
const hasNoKeyZero = (c: ScheduleCase): boolean => /\d\s*:/.test(c.string) && !/(^|[^0-9])0\s*:/.test(c.string);
/** §24 item 2 (F): whitespace the original grammar trips over, or a '-' before a key. */
const usesTolerantGrammar = (c: ScheduleCase): boolean => /\s,|\(\s|\d\s+:|\)\s+\d|(^|[,\s])-\d+\s*:/.test(c.string);
/** Quadratic/Cubic are unreachable from any setting (DeformAnimKeys always uses Linear), so they are not built. */
const usesSplineInterpolation = (c: ScheduleCase): boolean => c.interp_method !== 'Linear';

const RULES = [
  ['no key at frame 0 (§24 item 1)', hasNoKeyZero],
  ['tolerant keyframe grammar (§24 item 2)', usesTolerantGrammar],
  ['Quadratic/Cubic interp_method', usesSplineInterpolation],
] as const;

const setAside = (c: ScheduleCase): boolean => RULES.some(([, rule]) => rule(c));
for (const [name, rule] of RULES)
  console.log(`schedules.json: ${String(cases.filter(rule).length)} case(s) set aside by rule "${name}"`);

function expand(c: ScheduleCase): (number | string | null)[] {
  return c.is_single_string
    ? expandStringSchedule(c.string, c.max_frames, { setting: c.id })
    : Array.from(expandSchedule(c.string, c.max_frames, { setting: c.id, integer: c.integer }));
}

function expectSeries(
  actual: readonly (number | string | null)[],
  golden: readonly (number | string | null)[],
  label: string,
): void {
  expect(actual, label).toHaveLength(golden.length);
  golden.forEach((want, frame) => {
    const got = actual[frame];
    if (typeof want === 'number' && typeof got === 'number' && Number.isFinite(want)) {
      expect(
        Math.abs(got - want),
        `${label} frame ${String(frame)}: ${String(got)} vs ${String(want)}`,
      ).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
    } else {
      expect(got, `${label} frame ${String(frame)}`).toStrictEqual(want);
    }
  });
}

describe('schedules.json parity', () => {
  it('sets aside only a few cases', () => {
    expect(cases.filter(setAside).length).toBeLessThan(cases.length / 4);
  });

  for (const c of cases.filter((c) => !setAside(c))) {
    it(`${c.id}: ${c.note}`, () => {
      if (!c.ok) {
        expect(() => expand(c)).toThrow(DeforumError);
        return;
      }
      expectSeries(expand(c), c.series ?? [], `${c.id} \`${c.string}\``);
    });
  }
});

// Another case set may exercise no F quirk at all; vitest refuses an empty suite.
describe.skipIf(!cases.some(setAside))('fixed behaviour on the set-aside inputs', () => {
  for (const c of cases.filter(hasNoKeyZero)) {
    it(`${c.id}: frames before the first key take the first key's value`, () => {
      const series = expand(c);
      const firstKey = Number(/\d+/.exec(c.string)?.[0]);
      const firstValue = series[Math.min(firstKey, c.max_frames - 1)];
      expect(series.slice(0, Math.min(firstKey, c.max_frames))).toStrictEqual(
        new Array(Math.min(firstKey, c.max_frames)).fill(firstValue),
      );
      const withKeyZero = expand({ ...c, string: `0:(${String(firstValue)}), ${c.string}` });
      expect(series).toStrictEqual(withKeyZero);
    });
  }

  for (const c of cases.filter(usesTolerantGrammar)) {
    const negative = /(^|[,\s])-\d+\s*:/.test(c.string);
    it(`${c.id}: ${negative ? 'a negative key is rejected' : 'reads like the same schedule without the stray whitespace'}`, () => {
      if (negative) {
        expect(() => expand(c)).toThrow(/negative frame number at column \d+/);
        return;
      }
      const canonical = c.string
        .replace(/\s+,/g, ',')
        .replace(/\(\s+/g, '(')
        .replace(/(\d)\s+:/g, '$1:')
        .replace(/\)\s+(?=\d)/g, '), ');
      expect(usesTolerantGrammar({ ...c, string: canonical })).toBe(false);
      expect(expand(c)).toStrictEqual(expand({ ...c, string: canonical }));
    });
  }

  for (const c of cases.filter(usesSplineInterpolation)) {
    it(`${c.id}: ${c.interp_method} is not built; our Linear series passes through the same keys`, () => {
      const series = expand(c);
      const keyFrames = [...c.string.matchAll(/(\d+):/g)]
        .map((m) => Number(m[1]))
        .filter((frame) => frame < c.max_frames);
      for (const frame of keyFrames) expect(series[frame]).toBeCloseTo(c.series?.[frame] as number, 12);
    });
  }
});

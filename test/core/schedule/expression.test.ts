/**
 * The numexpr dialect of schedule formulas: precedence, int-versus-double `%`, constant folding, functions.
 * Expected values are what numexpr 2.8.4 gives (spec §1.4).
 */
import { describe, expect, it } from 'vitest';
import { expandSchedule } from '../../../src/core/schedule/index.js';

const at = (formula: string, frame: number, variables: Record<string, number> = {}): number =>
  expandSchedule(`0:(${formula})`, frame + 1, { setting: 'test_schedule', variables })[frame] ?? NaN;

describe('formula values', () => {
  it.each([
    ['-2**2', 0, -4],
    ['2**3**2', 0, 512],
    ['2**-1', 0, 0.5],
    ['-t**2', 3, -9],
    ['t/4', 1, 0.25],
    ['t%5', 7, 2],
    ['(0-t)%3', 5, -2],
    ['(0-t*1.0)%3', 5, 1],
    ['-7%3', 0, 2],
    ['(-7.5)%4', 0, 0.5],
    ['t%2.5', 6, 1],
    ['t>4', 5, 1],
    ['t>4', 4, 0],
    ['(t>2)&(t<5)', 3, 1],
    ['(t<2)|(t>5)', 3, 0],
    ['~(t>2)', 3, 0],
    ['where(t>4, 1.5, 0.5)', 9, 1.5],
    ['where(True, t, 0)', 7, 7],
    ['True+True', 0, 2],
    ['max_frames/2', 3, 2],
    ['i*2', 3, 6],
    ['arctan2(1, 1)*4', 0, Math.PI],
    ['fmod(-7, 3)', 0, -1],
    ['floor(t/3)', 8, 2],
    ['ceil(t/3)', 8, 3],
    ['abs(0-t)', 4, 4],
    ['log(0)', 0, -Infinity],
    ['expm1(0)+log1p(0)+log10(100)', 0, 2],
    ['1e-2', 0, 0.01],
    ['1.', 0, 1],
    ['.5*t', 4, 2],
    ['t**0.5', 9, 3],
    ['t**-1.0', 4, 0.25],
    ['cos(3.141*t/15)**100', 15, Math.pow(Math.cos(3.141), 100)],
    ['1/(max_frames-1)', 0, Infinity],
  ])('%s at frame %i is %d', (formula, frame, want) => {
    expect(at(formula, frame)).toBeCloseTo(want, 12);
  });

  it('reads caller variables (A1111 imports)', () => {
    expect(at('s + max_f', 0, { s: 42, max_f: 99 })).toBe(141);
    expect(at('s % 5', 0, { s: -7 })).toBe(-2);
  });

  it('evaluates a formula key on every frame up to the next key', () => {
    expect(Array.from(expandSchedule('0:(0), 4:(t), 8:(0)', 12, { setting: 's' }))).toStrictEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0,
    ]);
  });

  it('interpolates over a NaN from a formula, as the original does, and reports the frames', async () => {
    const { expandScheduleDetailed } = await import('../../../src/core/schedule/index.js');
    const result = expandScheduleDetailed('0:(sqrt(2-t))', 5, { setting: 's' });
    expect(result.nanFilledFrames).toStrictEqual([3, 4]);
    expect(Array.from(result.values)).toStrictEqual([Math.SQRT2, 1, 0, 0, 0]);
    expect(expandScheduleDetailed('0:(log(t))', 3, { setting: 's' }).nonFiniteFrames).toStrictEqual([0]);
  });

  it('truncates toward zero with integer', () => {
    expect(Array.from(expandSchedule('0:(-1.5), 4:(2.5)', 8, { setting: 's', integer: true }))).toStrictEqual([
      -1, 0, 0, 1, 2, 2, 2, 2,
    ]);
  });
});

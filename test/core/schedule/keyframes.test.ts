/**
 * The keyframe grammar: what the original reads, plus the tolerance we add (deviations.md §24 item 2).
 */
import { describe, expect, it } from 'vitest';
import { expandSchedule, formatSchedule, parseKeyframes } from '../../../src/core/schedule/index.js';

const frames = (text: string): [number, string][] => parseKeyframes(text, 'zoom').map((k) => [k.frame, k.value]);

describe('parseKeyframes', () => {
  it.each([
    [
      '0:(1), 5:(2)',
      [
        [0, '1'],
        [5, '2'],
      ],
    ],
    ['0: (0.65)', [[0, '0.65']]],
    [
      '0:(1),\n5:(3),',
      [
        [0, '1'],
        [5, '3'],
      ],
    ],
    [
      '10:(2), 0:(1), 5:(4)',
      [
        [0, '1'],
        [5, '4'],
        [10, '2'],
      ],
    ],
    [
      '0:(1), 5:(3), 5:(7)',
      [
        [0, '1'],
        [5, '7'],
      ],
    ],
    [
      '0:(where(t>6,1,0)), 9:(2)',
      [
        [0, 'where(t>6,1,0)'],
        [9, '2'],
      ],
    ],
    ['0:(where(t>6,(1),0))', [[0, 'where(t>6,(1),0)']]],
    [
      '0:(1) ,5:(2)',
      [
        [0, '1'],
        [5, '2'],
      ],
    ],
    [
      '0:(1) 5:(2)',
      [
        [0, '1'],
        [5, '2'],
      ],
    ],
    ['0 :( 1)', [[0, '1']]],
    ['0:(5 )', [[0, '5 ']]],
  ] as const)('%j', (text, want) => {
    expect(frames(text)).toStrictEqual(want);
  });

  it('keeps a value with trailing space a formula, held until the next key, as the original does', () => {
    expect(Array.from(expandSchedule('0:(5 ), 4:(1)', 6, { setting: 'zoom' }))).toStrictEqual([5, 5, 5, 5, 1, 1]);
    expect(Array.from(expandSchedule('0:(5), 4:(1)', 6, { setting: 'zoom' }))).toStrictEqual([5, 4, 3, 2, 1, 1]);
  });

  it('gives frames before the first key the first key value, even an off-by-one later', () => {
    expect(Array.from(expandSchedule('3:(2), 5:(4)', 7, { setting: 'zoom' }))).toStrictEqual([2, 2, 2, 2, 3, 4, 4]);
    expect(Array.from(expandSchedule('2:(t)', 4, { setting: 'zoom' }))).toStrictEqual([2, 2, 2, 3]);
    expect(Array.from(expandSchedule('9:(t*2)', 3, { setting: 'zoom' }))).toStrictEqual([18, 18, 18]);
  });

  it('prints in the notebook style', () => {
    expect(formatSchedule(parseKeyframes('10:(2),0:( sin(t) )', 'zoom'))).toBe('0:(sin(t) ), 10:(2)');
  });
});

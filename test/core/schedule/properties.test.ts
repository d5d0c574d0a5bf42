/**
 * Properties over arbitrary input: nothing crashes or hangs the parser, and printing keyframes then parsing
 * the text again gives the same series.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeforumError } from '../../../src/core/errors.js';
import { expandSchedule, formatSchedule, parseKeyframes } from '../../../src/core/schedule/index.js';

const PIECES = [
  '0',
  '5',
  '12',
  ':',
  '(',
  ')',
  ',',
  ' ',
  '-',
  't',
  '*',
  '/',
  '%',
  '**',
  '.',
  '1.5',
  'sin',
  'where',
  'max_frames',
  '>',
  '&',
  '~',
  'pi',
  "'",
  '\n',
];
const scheduleShaped = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

const formula = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('t', 'i', 'max_frames', '2', '0.5', '3.14'),
    fc
      .tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '**'), tie('expr'))
      .map(([a, op, b]) => `(${a})${op}(${b})`),
    fc.tuple(fc.constantFrom('sin', 'cos', 'abs', 'sqrt', 'exp', 'floor'), tie('expr')).map(([f, a]) => `${f}(${a})`),
    tie('expr').map((a) => `where(t > 3, ${a}, 1)`),
  ),
})).expr;

const keyframe = fc.tuple(fc.nat(30), fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String), formula));

describe('schedule properties', () => {
  it('any string is expanded or rejected with a DeforumError, in bounded time', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), scheduleShaped), (text) => {
        const started = performance.now();
        try {
          expandSchedule(text, 24, { setting: 'zoom' });
        } catch (error) {
          expect(error).toBeInstanceOf(DeforumError);
        }
        expect(performance.now() - started).toBeLessThan(250);
      }),
      { numRuns: 2000 },
    );
  });

  it('format → parse gives the same series', () => {
    fc.assert(
      fc.property(
        fc.array(keyframe, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        (entries, frameCount) => {
          const text = entries.map(([frame, value]) => `${String(frame)}: (${value})`).join(',\n');
          let original: Float64Array;
          try {
            original = expandSchedule(text, frameCount, { setting: 'zoom' });
          } catch (error) {
            // Random formulas may divide by a folded zero or hit 0 % 0; those must fail the same way after printing.
            expect(error).toBeInstanceOf(DeforumError);
            expect(() =>
              expandSchedule(formatSchedule(parseKeyframes(text, 'zoom')), frameCount, { setting: 'zoom' }),
            ).toThrow(DeforumError);
            return;
          }
          const printed = formatSchedule(parseKeyframes(text, 'zoom'));
          expect(Array.from(expandSchedule(printed, frameCount, { setting: 'zoom' }))).toStrictEqual(
            Array.from(original),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

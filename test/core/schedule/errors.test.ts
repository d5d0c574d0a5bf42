/**
 * Bad schedules fail with a DeforumError whose message names the setting and the column and says how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { DeforumError } from '../../../src/core/errors.js';
import { checkSchedule, expandSchedule, expandStringSchedule } from '../../../src/core/schedule/index.js';

function failure(text: string): DeforumError {
  try {
    expandSchedule(text, 10, { setting: 'strength_schedule' });
  } catch (error) {
    if (error instanceof DeforumError) return error;
    throw error;
  }
  throw new Error(`expected \`${text.slice(0, 40)}\` to be rejected`);
}

describe('schedule errors', () => {
  it.each([
    ['0:(0.65))', 9, /unexpected '\)'.*Remove the extra parenthesis/],
    ['0:((0.65)', 3, /missing '\)'/],
    ['0:(1+(2*t)', 3, /missing '\)'/],
    ["0:(__import__('os'))", 4, /unknown function '__import__'/],
    ['0:(1/0)', 5, /division by zero/],
    ['0:(round(t))', 4, /unknown function 'round'.*floor\(x \+ 0\.5\)/],
    ['0:(pi*t)', 4, /unknown name 'pi'.*3\.14159/],
    ['0:(1), -5:(2)', 8, /negative frame number.*remove the '-'/],
    ['', 1, /empty/],
    ['   ', 1, /empty/],
    ['0:(t//2)', 5, /floor division/],
    ['0:(t and 1)', 6, /Python's 'and'/],
    ['0:(1)5:(3)', 6, /expected ','/],
    ['0:1', 3, /expected '\('/],
    ['0:(t & 1)', 6, /& needs a condition/],
    ['0:(1 < t < 5)', 10, /chained comparison/],
    ['0:(sin)', 4, /'sin' is a function/],
    ['0:(arctan2(t))', 4, /arctan2\(\) given 1 argument/],
    ['0:(t**-1)', 5, /negative integer power/],
    ['0:()', 4, /empty value/],
    ['0:(2t)', 4, /malformed number/],
    ['0:(t $ 2)', 6, /unexpected character '\$'/],
  ])('%j fails at column %i', (text, column, message) => {
    const error = failure(text);
    expect(error.message).toMatch(/^strength_schedule: /);
    expect(error.message).toContain(`column ${String(column)}`);
    expect(error.message).toMatch(message);
    expect(error.details).toMatchObject({ code: 'schedule_syntax', setting: 'strength_schedule', column });
  });

  it('refuses a 1 MB string quickly, saying how long it is', () => {
    const huge = '0:(1), '.repeat(150_000);
    const started = performance.now();
    expect(failure(huge).message).toMatch(/schedule is 1050000 characters long/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses deep nesting without exhausting the stack', () => {
    expect(failure(`0:(${'('.repeat(600)}1${')'.repeat(600)})`).message).toMatch(/nested deeper than 100 levels/);
    expect(failure(`0:(${'-'.repeat(600)}1)`).message).toMatch(/nested deeper/);
    expect(failure(`0:(${'1+'.repeat(900)}1)`).message).toMatch(/nested deeper/);
  });

  it('reports integer modulo by zero on the frame it happens', () => {
    expect(() => expandSchedule('0:(5 % (t-3))', 10, { setting: 'zoom' })).toThrow(
      /zoom: integer modulo by zero at frame 3/,
    );
  });

  it('checks without a frame count, names and all', () => {
    expect(
      checkSchedule('0:(sin(t)), 10:(max_f)', { setting: 'zoom', kind: 'number', variables: { max_f: 1 } }),
    ).toStrictEqual({ ok: true });
    const result = checkSchedule('0:(sin(t)), 10:(max_f)', { setting: 'zoom', kind: 'number' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/zoom: unknown name 'max_f' at column 17/);
    expect(checkSchedule("0:('euler'), 5:(heun)", { setting: 'sampler_schedule', kind: 'string' })).toStrictEqual({
      ok: true,
    });
    expect(checkSchedule("0:('')", { setting: 'sampler_schedule', kind: 'string' }).ok).toBe(false);
  });

  it('string schedules share the grammar and its errors', () => {
    expect(() => expandStringSchedule("0:('euler'", 5, { setting: 'sampler_schedule' })).toThrow(
      /sampler_schedule: missing '\)'/,
    );
    expect(expandStringSchedule("5:('heun'), 2:( 'euler' )", 7, { setting: 'sampler_schedule' })).toStrictEqual([
      'euler',
      'euler',
      'euler',
      'euler',
      'euler',
      'heun',
      'heun',
    ]);
  });
});

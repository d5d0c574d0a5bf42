import { describe, expect, it } from 'vitest';
import { DeforumError } from '../../../src/core/errors.js';
import { parseJsonText } from '../../../src/core/settings/json-text.js';

function reasonOf(text: string): string {
  try {
    parseJsonText(text, 'f.txt');
  } catch (error) {
    if (error instanceof DeforumError && error.details.code === 'settings_unreadable') return error.details.reason;
    throw error;
  }
  throw new Error('expected a parse error');
}

describe('parseJsonText', () => {
  it('parses JSON', () => {
    expect(parseJsonText('{"W": 512}', 'f.txt')).toEqual({ W: 512 });
  });

  it.each([
    ['{\n  "W": 512,\n  "H": 512\n  "seed": 1\n}', 4, 3],
    ['{\n    "strength": NaN\n}', 2, 17],
    ['{"a": 1,}', 1, 9],
    ['W = 512', 1, 1],
  ])('says where %j stops being JSON', (text, line, column) => {
    expect(reasonOf(text)).toContain(`line ${line}, column ${column}`);
  });

  it('explains the NaN that Python writes and a file that ends early', () => {
    expect(reasonOf('{"strength": NaN}')).toContain('NaN and Infinity are not JSON');
    expect(reasonOf('{"W": 512,')).toContain('ends too early');
  });
});

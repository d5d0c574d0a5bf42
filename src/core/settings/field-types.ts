/**
 * Builders for the kinds of value a Deforum setting holds. Each attaches, as its zod description, the words
 * that tell a user what is allowed; the issue converter shows them next to a rejected value.
 */
import { z } from 'zod';

export function scheduleField() {
  return z.string().describe('a keyframe schedule such as "0:(1.0), 30:(0.5)"');
}

export function stringScheduleField() {
  return z.string().describe(`a string schedule such as "0:('euler'), 10:('heun')"`);
}

export function choiceField<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values).describe(`one of ${values.map((v) => `'${v}'`).join(', ')}`);
}

export function flagField() {
  return z.boolean().describe('true or false');
}

export function textField() {
  return z.string().describe('a string');
}

/** A file path or an http(s) URL; existence is a warning, checked at the edge that can read files. */
export function mediaField() {
  return z.string().describe('a file path or an http(s) URL');
}

export function integerField(min: number, max?: number) {
  const base = z.number().int().min(min);
  return max === undefined
    ? base.describe(`an integer ≥ ${min}`)
    : base.max(max).describe(`an integer from ${min} to ${max}`);
}

export function numberField(range: { min?: number; max?: number; above?: number; below?: number } = {}) {
  let schema = z.number();
  const words: string[] = [];
  if (range.min !== undefined) {
    schema = schema.min(range.min);
    words.push(`≥ ${range.min}`);
  }
  if (range.above !== undefined) {
    schema = schema.gt(range.above);
    words.push(`> ${range.above}`);
  }
  if (range.max !== undefined) {
    schema = schema.max(range.max);
    words.push(`≤ ${range.max}`);
  }
  if (range.below !== undefined) {
    schema = schema.lt(range.below);
    words.push(`< ${range.below}`);
  }
  return schema.describe(words.length === 0 ? 'a number' : `a number ${words.join(' and ')}`);
}

/** The Max frames and Seed fields: whole numbers typed as text; empty keeps the preset's value (or a random seed). */
import { MAX_SEED } from '../../core/settings/schema-image-sampling.js';
import type { RequestProblem } from './animate-request.js';

export type NumberFieldResult = { ok: true; value: number | undefined } | { ok: false; problem: RequestProblem };

const WHOLE_NUMBER = /^[+-]?\d+$/;

/** The cap (limits.maxFrames) is checked with the other caps (request-caps.ts), on the final settings. */
export function parseMaxFrames(text: string): NumberFieldResult {
  const value = text.trim().replace(/[_,\s]/g, '');
  if (value === '') return { ok: true, value: undefined };
  const frames = Number(value);
  if (!WHOLE_NUMBER.test(value) || frames < 1) {
    return {
      ok: false,
      problem: {
        field: 'max_frames',
        message: `Max frames is \`${text.trim().slice(0, 20)}\`; it must be a whole number of at least 1 (e.g. 120), or empty for the preset's length.`,
      },
    };
  }
  return { ok: true, value: frames };
}

export function parseSeed(text: string): NumberFieldResult {
  const value = text.trim();
  if (value === '') return { ok: true, value: undefined };
  const seed = Number(value);
  if (!WHOLE_NUMBER.test(value) || seed < -1 || seed > MAX_SEED) {
    return {
      ok: false,
      problem: {
        field: 'seed',
        message: `Seed is \`${value.slice(0, 20)}\`; it must be a whole number from 0 to ${MAX_SEED}, or -1 or empty for a random seed.`,
      },
    };
  }
  return { ok: true, value: seed };
}

import { describe, expect, it } from 'vitest';
import {
  buildAnimateSettings,
  fieldsFromJob,
  storedAnimateFields,
  type AnimateFields,
  type StoredAnimateRequest,
} from '../../../src/bot/request/index.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../../../src/jobs/store-config.js';

const BASE = { animation_mode: '2D', max_frames: 60, steps: 20, prompts: { '0': 'a quiet village' } };

function build(fields: AnimateFields, base: Readonly<Record<string, unknown>> = BASE) {
  const result = buildAnimateSettings({
    base,
    fields,
    limits: DEFAULT_JOB_STORE_CONFIG.serverDefaults,
    blockedTerms: [],
    attachments: { init: false, mask: false, video: false },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.settings;
}

describe('fieldsFromJob', () => {
  const typed: AnimateFields = {
    prompts: '0: a lighthouse | fog\n30: a lighthouse at night',
    negative: 'blurry',
    overrides: 'zoom = 0:(1.02)\n# keep it small\nW = 576',
    max_frames: '48',
    seed: '',
  };

  it("refills the job's prompts frame by frame, the typed overrides and negative, max frames and seed", () => {
    const settings = build({ ...typed, seed: '77' });
    const request: StoredAnimateRequest = { kind: 'animate', preset: 'fast-preview', fields: { ...typed, seed: '77' } };
    expect(fieldsFromJob({ settings, request: { ...request } })).toEqual({
      prompts: '0: a lighthouse | fog\n30: a lighthouse at night',
      negative: 'blurry',
      overrides: 'zoom = 0:(1.02)\n# keep it small\nW = 576',
      max_frames: '48',
      seed: '77',
    });
  });

  it('renders the same settings when the refilled fields are submitted over the job settings', () => {
    const settings = build(typed);
    const again = build(
      fieldsFromJob({ settings, request: { kind: 'animate', preset: null, fields: typed } }),
      settings,
    );
    expect(again).toEqual(settings);
  });

  it('leaves the seed empty for a random seed and reads a job without a stored request (CLI)', () => {
    const settings = build(
      { prompts: '', negative: '', overrides: '', max_frames: '', seed: '' },
      {
        ...BASE,
        prompts: { '0': 'a cat', '20': 'a dog' },
        neg_prompts: { '0': 'text', '10': 'noise' },
      },
    );
    expect(fieldsFromJob({ settings, request: null })).toEqual({
      prompts: '0: a cat | text\n10: a cat | noise\n20: a dog | noise',
      negative: '',
      overrides: '',
      max_frames: '60',
      seed: '',
    });
  });
});

describe('storedAnimateFields', () => {
  it.each([
    ['a CLI job', null, undefined],
    ['another kind of request', { kind: 'rerender', fields: {} }, undefined],
    ['an animate request without fields', { kind: 'animate' }, undefined],
  ])('finds nothing in %s', (_, request, expected) => {
    expect(storedAnimateFields(request)).toEqual(expected);
  });

  it('reads the typed fields, with text for anything that is not', () => {
    expect(storedAnimateFields({ kind: 'animate', fields: { prompts: '0: a cat', seed: 5 } })).toEqual({
      prompts: '0: a cat',
      negative: '',
      overrides: '',
      max_frames: '',
      seed: '',
    });
  });
});

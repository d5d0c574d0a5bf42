import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAnimateSettings, importSettingsAttachment } from '../../../src/bot/request/index.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../../../src/jobs/store-config.js';
import { REAL_DIR, REPO_ROOT } from '../../support/shared-dirs.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/settings');
const REAL_FILES = readdirSync(REAL_DIR).filter((name) => name.endsWith('_settings.txt'));
const EMPTY = { prompts: '', negative: '', overrides: '', max_frames: '', seed: '' };

function imported(folder: string, name: string) {
  const result = importSettingsAttachment(readFileSync(path.join(folder, name), 'utf8'), name);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

function build(base: Record<string, unknown>, overrides = '') {
  return buildAnimateSettings({
    base,
    baseField: 'settings',
    fields: { ...EMPTY, overrides },
    limits: DEFAULT_JOB_STORE_CONFIG.operatorLimits,
    blockedTerms: [],
    attachments: { init: false, mask: false, video: false },
  });
}

describe('importSettingsAttachment', () => {
  it('has real files to read', () => {
    expect(REAL_FILES.length).toBeGreaterThan(0);
  });

  it.each(REAL_FILES)('imports the real file %s into settings a worker can render', (name) => {
    const result = build(imported(REAL_DIR, name).settings);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('keeps the seed author template as saved: frame-keyed prompts, 3D, 1000 frames', () => {
    const result = build(imported(REAL_DIR, 'seed-author-template_settings.txt').settings);
    if (!result.ok) throw new Error('expected settings');
    expect(result.settings).toMatchObject({ animation_mode: '3D', max_frames: 1000, W: 704, H: 1024 });
    expect(Object.keys(result.settings.prompts)).toEqual([
      '0',
      '100',
      '150',
      '250',
      '450',
      '525',
      '750',
      '850',
      '1000',
    ]);
    expect(result.warnings).toEqual([
      'The settings file turns on use_init, but files are read only from attachments: attach an init image to use one.',
    ]);
  });

  it('imports an A1111 extension file, splitting --neg and naming what has no equivalent', () => {
    const result = imported(FIXTURES, 'a1111-small_settings.txt');
    expect(result.warnings).toContain(
      'a1111-small_settings.txt: ControlNet has no equivalent here and is ignored (cn_1_enabled, cn_1_model)',
    );
    const built = build(result.settings);
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    expect(built.settings.prompts).toEqual({
      '0': 'masterpiece a red fox in the snow',
      '24': 'masterpiece a white owl at night',
      '44': 'masterpiece a black cat on a fence',
    });
    expect(built.settings.neg_prompts['0']).toBe('blurry watermark');
  });

  it('shortens a long list of keys with no equivalent', () => {
    const result = imported(REAL_DIR, 'a1111-extension-default_settings.txt');
    const controlNet = result.warnings.find((warning) => warning.includes('ControlNet'));
    expect(controlNet).toMatch(
      /\(cn_1_overwrite_frames, cn_1_vid_path, cn_1_mask_vid_path, cn_1_enabled and \d+ more\)$/,
    );
  });

  it('leaves a bad value to the request, where an override can fix it', () => {
    const { settings } = imported(FIXTURES, 'typo-enum_settings.txt');
    const result = build(settings);
    expect(result.ok ? [] : result.problems).toEqual([
      {
        field: 'settings',
        message: expect.stringMatching(
          /^sampler must be .*\(given "eular_ancestral"\)\. Did you mean `euler_ancestral`\? The settings file sets it;/,
        ),
      },
    ]);
    expect(build(settings, 'sampler = euler_ancestral').ok).toBe(true);
  });

  it.each([
    [
      'not-json_settings.txt',
      readFileSync(path.join(FIXTURES, 'not-json_settings.txt'), 'utf8'),
      'not valid JSON at line 4, column 17 near `NaN`',
    ],
    ['list.json', '[1, 2]', 'list.json is not a settings file: it must hold one JSON object'],
    ['empty.txt', '', 'The file ends too early'],
  ])('refuses %s on the settings field', (name, text, expected) => {
    expect(importSettingsAttachment(text, name)).toEqual({
      ok: false,
      problems: [{ field: 'settings', message: expect.stringContaining(expected) }],
    });
  });
});

/** Every real user's settings file must pass the check (DEFORUM_REAL_DIR points at another set). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_DIR } from '../../support/shared-dirs.js';
import { checkSettings } from '../../../src/core/settings/check-settings.js';

const FILES = readdirSync(REAL_DIR).filter((name) => name.endsWith('_settings.txt'));

describe('real settings files', () => {
  it('has files to check', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });

  it.each(FILES)('%s passes the check', (name) => {
    const report = checkSettings(JSON.parse(readFileSync(path.join(REAL_DIR, name), 'utf8')));
    expect(report.errors).toEqual([]);
    expect(report.settings).toBeDefined();
  });

  it('keeps the seed author template as saved (3D, 1000 frames, 704×1024, dpmpp_2m)', () => {
    const report = checkSettings(
      JSON.parse(readFileSync(path.join(REAL_DIR, 'seed-author-template_settings.txt'), 'utf8')),
    );
    expect(report.settings).toMatchObject({
      animation_mode: '3D',
      max_frames: 1000,
      W: 704,
      H: 1024,
      sampler: 'dpmpp_2m',
    });
    expect(report.settings?.neg_prompts).toEqual({ '0': 'mountain' });
  });
});

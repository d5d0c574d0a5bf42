/** The settings and presets commands as a user runs them: the real bin script in a child process. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeforum, STACK_TRACE } from '../support/run-cli.js';
import { REAL_DIR, REPO_ROOT } from '../support/shared-dirs.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/settings');

function deforum(...args: string[]) {
  const run = runDeforum(args);
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('deforum settings check', () => {
  it.each(['seed-author-template_settings.txt', 'a1111-extension-default_settings.txt'])(
    'accepts the real file %s',
    (name) => {
      const run = deforum('settings', 'check', path.join(REAL_DIR, name));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('OK: the settings are valid');
    },
  );

  it('lists unmapped A1111 keys and warnings without failing', () => {
    const run = deforum('settings', 'check', path.join(REAL_DIR, 'a1111-extension-default_settings.txt'));
    expect(run.stdout).toContain('No equivalent here');
    expect(run.stdout).toContain('ControlNet: cn_1_overwrite_frames');
  });

  it('fails with a readable error and no stack trace for a misspelled enum value', () => {
    const run = deforum('settings', 'check', path.join(FIXTURES, 'typo-enum_settings.txt'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('sampler must be one of');
    expect(run.stdout).toContain('did you mean: euler_ancestral');
    expect(run.stderr).toMatch(/^error: .*1 invalid setting/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('fails with the line and column for a file that is not JSON', () => {
    const run = deforum('settings', 'check', path.join(FIXTURES, 'not-json_settings.txt'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*not valid JSON at line 4, column 17/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('fails clearly for a missing file', () => {
    const run = deforum('settings', 'check', path.join(FIXTURES, 'nope.txt'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: cannot read .*nope\.txt: no such file/);
  });
});

describe('deforum settings convert', () => {
  it('converts an A1111 file to a notebook settings file', () => {
    const run = deforum('settings', 'convert', path.join(FIXTURES, 'a1111-small_settings.txt'), '--to', 'deforum');
    expect(run.code).toBe(0);
    const file = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(file.sampler).toBe('dpmpp_2m');
    expect(file.diffusion_cadence).toBe('3');
    expect(file.cond_prompts).toEqual(expect.objectContaining({ '24': 'masterpiece a white owl at night' }));
  });

  it('converts to a preset holding only the changed settings', () => {
    const run = deforum(
      'settings',
      'convert',
      path.join(REAL_DIR, 'seed-author-template_settings.txt'),
      '--to',
      'ours',
    );
    expect(run.code).toBe(0);
    const preset = JSON.parse(run.stdout) as { name: string; settings: Record<string, unknown> };
    expect(preset.name).toBe('seed-author-template-settings');
    expect(preset.settings).toMatchObject({ animation_mode: '3D', sampler: 'dpmpp_2m' });
    expect(preset.settings).not.toHaveProperty('border');
  });
});

describe('deforum presets', () => {
  it('lists names with descriptions', () => {
    const run = deforum('presets', 'list');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^fly-through-3d\s+3D: /m);
  });

  it('shows a preset merged over the defaults', () => {
    const run = deforum('presets', 'show', 'music-video');
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as { settings: Record<string, unknown> };
    expect(shown.settings.animation_mode).toBe('2D');
    expect(shown.settings.steps).toBe(50);
  });

  it('refuses an unknown preset with a suggestion', () => {
    const run = deforum('presets', 'show', 'music-vidoe');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Did you mean "music-video"?');
  });
});

/**
 * Parity with the notebook's own settings files (golden/settings/, see the golden README): our defaults are
 * the raw DeforumArgs()/DeforumAnimArgs() values, both saved forms import, our loader gives the values the
 * notebook's load_args gives, and export → import is lossless and stable.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSettings } from '../../src/core/settings/check-settings.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings/defaults.js';
import { exportDeforumFile } from '../../src/core/settings/export-deforum-file.js';
import {
  NOTEBOOK_ANIM_ARGS_KEYS,
  NOTEBOOK_ARGS_KEYS,
  NOTEBOOK_RUNTIME_KEYS,
} from '../../src/core/settings/notebook-keys.js';
import { isSettingName, type DeforumSettings } from '../../src/core/settings/schema.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';

interface RawDefaults {
  DeforumArgs: Record<string, unknown>;
  DeforumAnimArgs: Record<string, unknown>;
  prompts: [number, string][];
  neg_prompts: [number, string][];
}

const raw = readGoldenJson<RawDefaults>('settings/notebook_defaults_raw.json');
const runtime = new Set<string>(NOTEBOOK_RUNTIME_KEYS);

function settingsOf(name: string): DeforumSettings {
  const report = checkSettings(readGoldenJson<unknown>(`settings/${name}`));
  expect(report.errors, `${name} should import without errors`).toEqual([]);
  if (report.settings === undefined) throw new Error(`${name} did not import`);
  return report.settings;
}

describe('notebook defaults', () => {
  it('lists the notebook namespaces in the notebook order', () => {
    expect([...NOTEBOOK_ARGS_KEYS]).toEqual(Object.keys(raw.DeforumArgs));
    expect([...NOTEBOOK_ANIM_ARGS_KEYS]).toEqual(Object.keys(raw.DeforumAnimArgs));
  });

  it('has every notebook key either as a setting with the notebook default or as a run-time key', () => {
    for (const [key, value] of Object.entries({ ...raw.DeforumArgs, ...raw.DeforumAnimArgs })) {
      if (runtime.has(key)) continue;
      expect(isSettingName(key), `${key} is a setting`).toBe(true);
      expect((DEFAULT_SETTINGS as Record<string, unknown>)[key], key).toEqual(value);
    }
  });

  it('has the notebook default prompts', () => {
    const toTable = (pairs: [number, string][]) =>
      Object.fromEntries(pairs.map(([frame, text]) => [String(frame), text]));
    expect(DEFAULT_SETTINGS.prompts).toEqual(toTable(raw.prompts));
    expect(DEFAULT_SETTINGS.neg_prompts).toEqual(toTable(raw.neg_prompts));
  });
});

describe('notebook settings files', () => {
  it('imports the 2D file saved by render_animation', () => {
    const file = readGoldenJson<Record<string, unknown>>('settings/notebook_defaults_2D_settings.txt');
    const settings = settingsOf('notebook_defaults_2D_settings.txt');
    expect(settings.animation_mode).toBe('2D');
    expect(settings.seed).toBe(3626764237);
    expect(settings.init_image).toBeNull();
    expect(settings.diffusion_cadence).toBe(1);
    expect(settings.prompts).toEqual(file.cond_prompts);
    expect(settings.neg_prompts).toEqual(file.uncond_prompts);
  });

  it('imports the still-batch file whose prompt tables are inverted', () => {
    const settings = settingsOf('notebook_defaults_None_settings.txt');
    expect(settings.animation_mode).toBe('None');
    expect(settings.prompts).toEqual({
      '0': 'a beautiful lake by Asher Brown Durand, trending on Artstation',
      '1': 'a beautiful portrait of a woman by Artgerm, trending on Artstation',
    });
    // Padded negatives collapse to their last position; frame lookup fills backwards, so both prompts get it.
    expect(settings.neg_prompts).toEqual({ '1': 'mountain' });
  });
});

describe('load_args', () => {
  const expected = readGoldenJson<{ args_dict: Record<string, unknown>; anim_args_dict: Record<string, unknown> }>(
    'settings/load_args_result.json',
  );

  it('gives the effective values the notebook gives, W not re-rounded', () => {
    const settings = settingsOf('load_args_input.txt');
    for (const [key, value] of Object.entries({ ...expected.args_dict, ...expected.anim_args_dict })) {
      if (!isSettingName(key) || key === 'prompts' || key === 'neg_prompts') continue;
      const ours = key === 'diffusion_cadence' ? String(settings[key]) : settings[key];
      expect(ours, key).toEqual(value);
    }
    expect(settings.W).toBe(600);
  });

  it('uses a prompts entry of the file, which the notebook ignores (deviation, spec §24 item 7)', () => {
    expect(settingsOf('load_args_input.txt').prompts).toEqual({ '0': 'x' });
  });

  it('reports the unknown key as a warning, not an error', () => {
    const report = checkSettings(readGoldenJson<unknown>('settings/load_args_input.txt'));
    expect(report.warnings.map((warning) => warning.setting)).toContain('unknown_key');
  });
});

describe('export', () => {
  it('round-trips: export → import gives the same settings', () => {
    for (const name of [
      'notebook_defaults_2D_settings.txt',
      'notebook_defaults_None_settings.txt',
      'load_args_input.txt',
    ]) {
      const settings = settingsOf(name);
      const again = checkSettings(JSON.parse(exportDeforumFile(settings)));
      expect(again.settings, name).toEqual(settings);
    }
  });

  it('is stable: import → export → import → export gives the same text', () => {
    const first = exportDeforumFile(settingsOf('notebook_defaults_2D_settings.txt'));
    const second = exportDeforumFile(checkSettings(JSON.parse(first)).settings as DeforumSettings);
    expect(second).toBe(first);
  });

  it('writes what the notebook loads: 4-space JSON, args keys then anim_args keys, string-keyed prompt dicts', () => {
    const text = exportDeforumFile(settingsOf('notebook_defaults_2D_settings.txt'));
    expect(text.split('\n')[1]).toMatch(/^ {4}"W": 512,$/);
    const keys = Object.keys(JSON.parse(text) as object);
    const notebookOrder = [...NOTEBOOK_ARGS_KEYS, ...NOTEBOOK_ANIM_ARGS_KEYS].filter((key) => keys.includes(key));
    expect(keys.slice(0, notebookOrder.length)).toEqual(notebookOrder);
    const saved = JSON.parse(readFileSync(goldenPath('settings/notebook_defaults_2D_settings.txt'), 'utf8')) as Record<
      string,
      unknown
    >;
    const exported = JSON.parse(text) as Record<string, unknown>;
    // Simulate load_args: every exported key the notebook knows replaces its value; it must equal the saved run.
    for (const key of [...NOTEBOOK_ARGS_KEYS, ...NOTEBOOK_ANIM_ARGS_KEYS]) {
      if (key in exported) expect(exported[key], key).toEqual(saved[key]);
    }
    expect(exported.cond_prompts).toEqual(saved.cond_prompts);
  });
});

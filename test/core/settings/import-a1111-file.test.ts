import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_DIR } from '../../support/shared-dirs.js';
import { checkSettings } from '../../../src/core/settings/check-settings.js';
import { detectSettingsFormat } from '../../../src/core/settings/import-settings.js';
import { checkSchedule } from '../../../src/core/schedule/index.js';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/settings');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe('A1111 extension default settings file', () => {
  const json = readJson(path.join(REAL_DIR, 'a1111-extension-default_settings.txt'));
  const report = checkSettings(json);

  it('is detected and imports without errors', () => {
    expect(detectSettingsFormat(json)).toBe('a1111');
    expect(report.errors).toEqual([]);
  });

  it('maps what has an equivalent', () => {
    expect(report.settings).toMatchObject({
      animation_mode: '3D',
      max_frames: 120,
      sampler: 'euler_ancestral',
      color_coherence: 'Match Frame 0 LAB',
      diffusion_cadence: 2,
      fov: 70,
      scale: 7,
      near_plane: 200,
      far_plane: 10000,
      flip_2d_perspective: false,
      hybrid_composite: false,
      ffmpeg_fps: 15,
    });
  });

  it('splits --neg prompts and adds the positive/negative extras', () => {
    expect(report.settings?.prompts['60']).toBe('a beautiful coconut');
    expect(report.settings?.neg_prompts['60']).toBe('photo, realistic  nsfw, nude nsfw, nude');
    expect(Object.keys(report.settings?.prompts ?? {})).toEqual(['0', '30', '60', '90']);
  });

  it('evaluates max_f frame keys of the seed schedule with max_frames (max_f = 119)', () => {
    expect(report.settings?.seed_schedule).toBe('0:(s), 1:(-1), 117:(-1), 118:(s)');
    expect(
      checkSchedule(report.settings?.seed_schedule ?? '', {
        setting: 'seed_schedule',
        kind: 'number',
        variables: { s: 1, max_f: 119 },
      }).ok,
    ).toBe(true);
  });

  it('names every key without an equivalent, grouped by feature', () => {
    const groups = Object.fromEntries(report.unmapped.map((group) => [group.group, group.keys]));
    expect(groups.ControlNet).toContain('cn_1_enabled');
    expect(groups.Parseq).toEqual(['parseq_manifest', 'parseq_use_deltas', 'parseq_non_schedule_overrides']);
    expect(groups.Soundtrack).toEqual(['add_soundtrack', 'soundtrack_path']);
    expect(groups['Extra schedules']).toContain('steps_schedule');
    expect(report.notes.join('\n')).toContain("hybrid_flow_method 'RAFT'");
  });
});

describe('a small A1111 file', () => {
  const report = checkSettings(readJson(path.join(FIXTURES, 'a1111-small_settings.txt')));

  it('imports without errors', () => {
    expect(report.errors).toEqual([]);
  });

  it('evaluates max_f in prompt keys, schedule keys and values (max_frames 50 → max_f 49)', () => {
    expect(report.settings?.prompts).toEqual({
      '0': 'masterpiece a red fox in the snow',
      '24': 'masterpiece a white owl at night',
      '44': 'masterpiece a black cat on a fence',
    });
    expect(report.settings?.neg_prompts).toEqual({
      '0': 'blurry watermark',
      '24': 'watermark',
      '44': 'cartoon, text watermark',
    });
    expect(report.settings?.zoom).toBe('0:(1.01), 39:(1.05)');
    expect(report.settings?.translation_x).toBe('0:((49)/10)');
  });

  it('keeps the seed schedule with s and the schedule seed behaviour', () => {
    expect(report.settings?.seed_behavior).toBe('schedule');
    expect(report.settings?.seed_schedule).toBe('0:(s), 10:(s+1), 48:(-1)');
  });

  it('translates sampler names, inside the sampler schedule too', () => {
    expect(report.settings?.sampler).toBe('dpmpp_2m');
    expect(report.settings?.sampler_schedule).toBe("0:('euler_ancestral'), 20:('ddim')");
    expect(report.settings?.enable_schedule_samplers).toBe(true);
    expect(report.notes.join('\n')).toContain('Karras');
  });

  it('takes constant schedules as plain settings and reports varying ones unmapped', () => {
    expect(report.settings?.fov).toBe(55);
    expect(report.settings?.scale).toBe(7);
    const unmapped = report.unmapped.flatMap((group) => group.keys);
    expect(unmapped).toEqual(
      expect.arrayContaining(['cfg_scale_schedule', 'cn_1_enabled', 'cn_1_model', 'noise_type', 'sd_model_name']),
    );
    expect(report.settings?.color_coherence).toBe('Match Frame 0 RGB');
    expect(report.settings?.diffusion_cadence).toBe(3);
  });
});

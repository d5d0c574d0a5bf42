import { describe, expect, it } from 'vitest';
import { DeforumError } from '../../../src/core/errors.js';
import { checkSchedule } from '../../../src/core/schedule/index.js';
import { findPreset, listPresets, loadPreset, resolvePreset } from '../../../src/core/settings/presets.js';
import { SCHEDULE_SETTINGS, scheduleVariables } from '../../../src/core/settings/schedule-settings.js';
import { isSettingName } from '../../../src/core/settings/schema.js';

const NAMES = listPresets().map((preset) => preset.name);

describe('built-in presets', () => {
  it('offers at least eight looks, each with a description', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(8);
    for (const preset of listPresets()) expect(preset.description.length).toBeGreaterThan(20);
  });

  it.each(NAMES)('%s validates with no warnings, uses only setting names, and fits a quick preview', (name) => {
    const result = resolvePreset(name);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([]);
    for (const key of Object.keys(findPreset(name).settings)) expect(isSettingName(key), key).toBe(true);
    expect(result.settings.max_frames).toBeGreaterThanOrEqual(60);
    expect(result.settings.max_frames).toBeLessThanOrEqual(120);
    expect([result.settings.W, result.settings.H]).toEqual([512, 512]);
  });

  it.each(NAMES)('%s has schedules that all pass checkSchedule', (name) => {
    const settings = loadPreset(name);
    for (const [setting, entry] of Object.entries(SCHEDULE_SETTINGS)) {
      if (entry === undefined || !isSettingName(setting)) continue;
      const variables = scheduleVariables(setting, 0, settings.max_frames);
      const text = String(settings[setting]);
      const result = checkSchedule(
        text,
        variables === undefined ? { setting, kind: entry.kind } : { setting, kind: entry.kind, variables },
      );
      expect(result.ok, `${name}.${setting} = ${text}`).toBe(true);
    }
  });

  it('covers the well-known modes', () => {
    const modes = new Set(NAMES.map((name) => loadPreset(name).animation_mode));
    expect([...modes].sort()).toEqual(['2D', '3D', 'Interpolation', 'Video Input']);
  });

  it('merges overrides over the preset', () => {
    const settings = loadPreset('slow-zoom-2d', { prompts: { '0': 'a lighthouse' }, max_frames: 60 });
    expect(settings.prompts).toEqual({ '0': 'a lighthouse' });
    expect(settings.max_frames).toBe(60);
    expect(settings.zoom).toBe('0:(1.015)');
  });

  it('refuses an unknown name with the known names and a did-you-mean', () => {
    try {
      findPreset('slow-zom-2d');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DeforumError);
      const details = (error as DeforumError).details;
      expect(details.code).toBe('preset_unknown');
      expect(details.code === 'preset_unknown' && details.known).toEqual(NAMES);
      expect((error as DeforumError).message).toContain('Did you mean "slow-zoom-2d"?');
    }
  });
});

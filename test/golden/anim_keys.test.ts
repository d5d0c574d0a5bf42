/**
 * Parity with the notebook's DeformAnimKeys and the per-frame conversions of render_animation, on the golden
 * cases and on a real user's configuration (1000 frames). Tolerance as schedules.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANIM_KEY_NAMES,
  expandAnimKeys,
  type AnimKeyName,
  type FrameKeys,
} from '../../src/core/animation/anim-keys.js';
import { GOLDEN_DIR } from '../support/golden.js';
import { REAL_DIR } from '../support/shared-dirs.js';

interface AnimKeysCase {
  id: string;
  max_frames: number;
  schedules: Record<AnimKeyName, string>;
  series: Record<AnimKeyName, (number | string | null)[]>;
  loop_derived: {
    kernel: number;
    strength_clamped: number;
    mask_auto_contrast_cutoff_low: number;
    mask_auto_contrast_cutoff_high: number;
    sampler_applied: string | null;
  }[];
}

const REAL_FILE = path.join(REAL_DIR, 'golden/anim_keys.json');

function readCases(file: string): AnimKeysCase[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: AnimKeysCase[] }).cases;
}

const close = (got: number, want: number): boolean => Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));

function checkCase(c: AnimKeysCase): void {
  const keys = expandAnimKeys(c.schedules, c.max_frames);
  for (const name of ANIM_KEY_NAMES) {
    const golden = c.series[name];
    if (name === 'sampler_schedule') {
      expect(keys.samplerSeries, name).toStrictEqual(golden);
      continue;
    }
    const ours = keys.series[name];
    expect(ours.length, name).toBe(golden.length);
    golden.forEach((want, frame) => {
      const got = ours[frame] ?? NaN;
      expect(
        close(got, want as number),
        `${c.id} ${name} frame ${String(frame)}: ${String(got)} vs ${String(want)}`,
      ).toBe(true);
    });
  }
  c.loop_derived.forEach((want, frame) => {
    const got: FrameKeys = keys.frame(frame);
    const label = `${c.id} loop_derived frame ${String(frame)}`;
    expect({ ...got, strengthClamped: 0 }, label).toStrictEqual({
      kernel: want.kernel,
      strengthClamped: 0,
      maskAutoContrastCutoffLow: want.mask_auto_contrast_cutoff_low,
      maskAutoContrastCutoffHigh: want.mask_auto_contrast_cutoff_high,
      samplerApplied: want.sampler_applied,
    });
    expect(close(got.strengthClamped, want.strength_clamped), label).toBe(true);
  });
}

describe('anim_keys.json parity', () => {
  for (const c of readCases(path.join(GOLDEN_DIR, 'anim_keys.json'))) it(c.id, () => checkCase(c));
});

describe('real configuration', () => {
  it.skipIf(!existsSync(REAL_FILE))('expands the real user configuration exactly', () => {
    const cases = readCases(REAL_FILE);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) checkCase(c);
  });
});

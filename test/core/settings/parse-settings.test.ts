import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../src/core/settings/parse-settings.js';

function errorsOf(partial: Record<string, unknown>) {
  const result = parseSettings(partial);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('parseSettings', () => {
  it('accepts an empty object as the notebook defaults', () => {
    const result = parseSettings({});
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.settings.max_frames).toBe(1000);
      expect(result.settings.diffusion_cadence).toBe(1);
    }
  });

  it('reports every problem at once, each with its setting, what was given and what is allowed', () => {
    const errors = errorsOf({ max_frames: -5, sampler: 'eular', W: 'big', strength: 1.5, diffusion_cadence: '9' });
    expect(errors.map((issue) => issue.setting).sort()).toEqual([
      'W',
      'diffusion_cadence',
      'max_frames',
      'sampler',
      'strength',
    ]);
    const maxFrames = errors.find((issue) => issue.setting === 'max_frames');
    expect(maxFrames).toMatchObject({ given: '-5', allowed: 'an integer ≥ 1' });
  });

  it('suggests the option a misspelled enum value was meant to be', () => {
    const [sampler] = errorsOf({ sampler: 'eular_ancestral' });
    expect(sampler).toMatchObject({ setting: 'sampler', didYouMean: 'euler_ancestral' });
    expect(sampler?.allowed).toContain("'dpmpp_2m'");
    const [mode] = errorsOf({ animation_mode: '2d' });
    expect(mode?.didYouMean).toBe('2D');
  });

  it('warns about a misspelled key with a did-you-mean instead of failing', () => {
    const result = parseSettings({ strenght_schedule: '0:(0.5)' });
    expect(result.ok).toBe(true);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ setting: 'strenght_schedule', didYouMean: 'strength_schedule' }),
    );
  });

  it('rejects NaN-ish values: numbers as strings, null and non-integers', () => {
    const errors = errorsOf({ strength: 'NaN', steps: null, seed: 1.5, max_frames: 'Infinity' });
    expect(errors.map((issue) => issue.setting).sort()).toEqual(['max_frames', 'seed', 'steps', 'strength']);
  });

  it('accepts the integer cadence of the A1111 extension and the notebook string', () => {
    for (const cadence of [3, '3']) {
      const result = parseSettings({ diffusion_cadence: cadence });
      expect(result.ok && result.settings.diffusion_cadence).toBe(3);
    }
  });

  it('accepts seed −1 and 8/16/32-bit output, refuses other bit depths and seeds past 2^32 − 1', () => {
    expect(parseSettings({ seed: -1, bit_depth_output: 16 }).ok).toBe(true);
    expect(
      errorsOf({ bit_depth_output: 12, seed: 2 ** 32 })
        .map((issue) => issue.setting)
        .sort(),
    ).toEqual(['bit_depth_output', 'seed']);
  });

  it('treats a broken schedule as an error when the run uses it and as a warning otherwise', () => {
    const used = errorsOf({ animation_mode: '2D', zoom: '0:(1.0' });
    expect(used[0]?.setting).toBe('zoom');
    const unused = parseSettings({
      animation_mode: '2D',
      hybrid_comp_alpha_schedule: 'abc',
      sampler_schedule: "0:('euler'",
    });
    expect(unused.ok).toBe(true);
    expect(unused.warnings.map((issue) => issue.setting)).toEqual(['sampler_schedule', 'hybrid_comp_alpha_schedule']);
  });

  it('knows the run-time keys the notebook writes and does not call them unknown', () => {
    const result = parseSettings({ timestring: '20240101000000', outdir: 'x', init_latent: null, seed_internal: 3 });
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('normalises prompt forms as the notebook does (list index = frame, string = frame 0)', () => {
    const result = parseSettings({ prompts: ['a', 'b'], neg_prompts: 'c' });
    expect(result.ok && result.settings.prompts).toEqual({ '0': 'a', '1': 'b' });
    expect(result.ok && result.settings.neg_prompts).toEqual({ '0': 'c' });
    expect(errorsOf({ prompts: { ten: 'x' } })[0]?.setting).toBe('prompts');
  });

  it('warns when W or H is not a multiple of 64', () => {
    const result = parseSettings({ W: 600 });
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ setting: 'W', message: expect.stringContaining('576') }),
    );
  });
});

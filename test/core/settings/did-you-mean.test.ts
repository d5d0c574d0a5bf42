import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../../src/core/settings/did-you-mean.js';

const PRESETS = ['slow-zoom-2d', 'fly-through-3d', 'fast-preview', 'film-grayscale'];

describe('didYouMean', () => {
  it.each([
    ['strenght_schedule', ['strength_schedule', 'noise_schedule'], 'strength_schedule'],
    ['strenght', ['strength_schedule', 'strength'], 'strength'],
    ['Euler_Ancestral', ['euler', 'euler_ancestral'], 'euler_ancestral'],
    ['slow-zom', PRESETS, 'slow-zoom-2d'],
    ['fly-thru', PRESETS, 'fly-through-3d'],
    ['f', PRESETS, undefined],
    ['fi', PRESETS, undefined],
    ['zebra', PRESETS, undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });
});

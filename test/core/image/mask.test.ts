import { describe, expect, it } from 'vitest';

import { isDeforumError } from '../../../src/core/errors.js';
import { prepareMask, type MaskOptions } from '../../../src/core/image/mask.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';

const plain: MaskOptions = { width: 2, height: 1, useAlpha: false, brightness: 1, contrast: 1, invert: false };
const grey = (a: number, b: number) => rawImageFrom('u8', 2, 1, 1, Uint8Array.of(a, b));

describe('prepareMask', () => {
  it.each([
    { rgb: [255, 0, 0], level: 76 },
    { rgb: [0, 255, 0], level: 150 },
    { rgb: [0, 0, 255], level: 29 },
    { rgb: [255, 255, 255], level: 255 },
  ])('PIL grey of $rgb is $level', ({ rgb, level }) => {
    const image = rawImageFrom('u8', 1, 1, 4, Uint8Array.of(...rgb, 0));
    const mask = prepareMask(image, { ...plain, width: 1 });
    expect(mask.data[0]).toBe(Math.fround(level / 255));
  });

  it.each([
    { name: 'brightness 0.5 halves (truncating)', options: { brightness: 0.5 }, levels: [100, 201], out: [50, 100] },
    { name: 'brightness 2 clips', options: { brightness: 2 }, levels: [100, 200], out: [200, 255] },
    { name: 'contrast 0 gives the rounded mean', options: { contrast: 0 }, levels: [100, 201], out: [151, 151] },
    { name: 'contrast 2 stretches about the mean', options: { contrast: 2 }, levels: [100, 200], out: [50, 250] },
    // F (item 33): brightness 0.5 → [50, 100], then contrast 3 about the mean 75; swapped it would be [255, 255].
    {
      name: 'each factor applies to its name',
      options: { brightness: 0.5, contrast: 3 },
      levels: [100, 200],
      out: [0, 150],
    },
    { name: 'invert', options: { invert: true }, levels: [0, 255], out: [255, 0] },
  ])('$name', ({ options, levels, out }) => {
    const mask = prepareMask(grey(levels[0] ?? 0, levels[1] ?? 0), { ...plain, ...options });
    expect(Array.from(mask.data)).toEqual(out.map((v) => Math.fround(v / 255)));
  });

  it('use_alpha_as_mask reads the alpha channel', () => {
    const image = rawImageFrom('u8', 2, 1, 4, Uint8Array.of(9, 9, 9, 0, 9, 9, 9, 255));
    expect(Array.from(prepareMask(image, { ...plain, useAlpha: true }).data)).toEqual([0, 1]);
  });

  it.each([
    { name: 'fully opaque', pixels: [0, 0, 0, 255, 0, 0, 0, 255], channels: 4 as const },
    { name: 'fully transparent', pixels: [0, 0, 0, 0, 0, 0, 0, 0], channels: 4 as const },
    { name: 'without alpha', pixels: [0, 0, 0, 9, 9, 9], channels: 3 as const },
  ])('use_alpha_as_mask with an alpha that is $name is a DeforumError', ({ pixels, channels }) => {
    const image = rawImageFrom('u8', 2, 1, channels, Uint8Array.from(pixels));
    let error: unknown;
    try {
      prepareMask(image, { ...plain, useAlpha: true });
    } catch (e) {
      error = e;
    }
    expect(isDeforumError(error)).toBe(true);
  });

  it('a mask of another size is refused with the size it needs', () => {
    expect(() => prepareMask(grey(0, 0), { ...plain, width: 4, height: 4 })).toThrow(/2×1 but must be 4×4/);
  });
});

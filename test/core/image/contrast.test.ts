import { describe, expect, it } from 'vitest';

import { applyContrast } from '../../../src/core/image/contrast.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';

describe('applyContrast (prev_img * contrast)', () => {
  it.each([
    { value: 5, contrast: 0.9, expected: 4.5 },
    { value: 200, contrast: 1.3, expected: 200 * 1.3 },
    { value: 7, contrast: 0.9, expected: 7 * 0.9 },
    { value: 255, contrast: 0, expected: 0 },
  ])('uint8 $value × $contrast is the float64 product $expected, unclipped', ({ value, contrast, expected }) => {
    const image = rawImageFrom('u8', 1, 1, 1, Uint8Array.of(value));
    expect(applyContrast(image, contrast).data[0]).toBe(expected);
  });

  it('a float32 frame stays float32 (numpy does not upcast it)', () => {
    const image = rawImageFrom('f32', 1, 1, 1, Float32Array.of(7));
    expect(applyContrast(image, 0.9).data[0]).toBe(Math.fround(7 * 0.9));
    expect(applyContrast(image, 0.9).data[0]).not.toBe(7 * 0.9);
  });

  it('keeps the size and channel count', () => {
    const out = applyContrast(rawImageFrom('u8', 2, 1, 3, new Uint8Array(6)), 2);
    expect([out.width, out.height, out.channels, out.data.length]).toEqual([2, 1, 3, 6]);
  });
});

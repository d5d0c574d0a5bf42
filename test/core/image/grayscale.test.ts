import { describe, expect, it } from 'vitest';

import { grayscaleCv2OnRgb, grayscalePil } from '../../../src/core/image/grayscale.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';

const rgb = (...values: number[]) => rawImageFrom('u8', values.length / 3, 1, 3, Uint8Array.from(values));

describe('force grayscale', () => {
  it('weights red and blue swapped in the cv2 path (BGR2GRAY read on RGB data) and not in the PIL path', () => {
    // Pure red: 0.114·255 → 29 with cv2's swapped weights, 0.299·255 → 76 with PIL's Rec.601.
    expect(Array.from(grayscaleCv2OnRgb(rgb(255, 0, 0)).data)).toEqual([29, 29, 29]);
    expect(Array.from(grayscalePil(rgb(255, 0, 0)).data)).toEqual([76, 76, 76]);
    expect(Array.from(grayscaleCv2OnRgb(rgb(0, 0, 255)).data)).toEqual([76, 76, 76]);
    expect(Array.from(grayscalePil(rgb(0, 0, 255)).data)).toEqual([29, 29, 29]);
  });

  it('keeps grays and the 0..255 ends unchanged', () => {
    for (const v of [0, 1, 127, 128, 254, 255]) {
      expect(Array.from(grayscaleCv2OnRgb(rgb(v, v, v)).data)).toEqual([v, v, v]);
      expect(Array.from(grayscalePil(rgb(v, v, v)).data)).toEqual([v, v, v]);
    }
  });

  it('keeps float in-betweens as float, unclamped and untruncated', () => {
    const tween = rawImageFrom('f32', 2, 1, 3, Float32Array.of(10.25, 10.25, 10.25, 300, 300, 300));
    const out = grayscaleCv2OnRgb(tween);
    expect(out.format).toBe('f32');
    expect(out.data[0]).toBeCloseTo(10.25, 5);
    expect(out.data[3]).toBeCloseTo(300, 4);
  });

  it('rejects images that are not RGB', () => {
    expect(() => grayscalePil(rawImageFrom('u8', 1, 1, 4, Uint8Array.of(1, 2, 3, 4)))).toThrow(/RGB/);
  });
});

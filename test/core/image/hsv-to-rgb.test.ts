import { describe, expect, it } from 'vitest';

import { hsvToRgb } from '../../../src/core/image/hsv-to-rgb.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';

/** One row of `width` copies of the HSV pixel, so the first 32·⌊width/32⌋ take cv2's vector loop. */
function row(width: number, h: number, s: number, v: number) {
  const data = new Uint8Array(width * 3);
  for (let i = 0; i < data.length; i += 3) data.set([h, s, v], i);
  return rawImageFrom('u8', width, 1, 3, data);
}

describe('hsvToRgb', () => {
  it('gives the primaries and grays exactly', () => {
    expect(Array.from(hsvToRgb(row(1, 0, 255, 255)).data)).toEqual([255, 0, 0]);
    expect(Array.from(hsvToRgb(row(1, 60, 255, 255)).data)).toEqual([0, 255, 0]);
    expect(Array.from(hsvToRgb(row(1, 120, 255, 255)).data)).toEqual([0, 0, 255]);
    expect(Array.from(hsvToRgb(row(1, 77, 0, 200)).data)).toEqual([200, 200, 200]);
  });

  it("truncates in cv2's 32-pixel vector blocks and rounds in the scalar rest of the row", () => {
    // S 18, V 103: blue = 103·(1 − 18/255) = 95.73 → 95 truncated, 96 rounded (the golden HSV case shows both).
    const out = hsvToRgb(row(33, 16, 18, 103)).data;
    expect(Array.from(out.subarray(0, 3))).toEqual([103, 99, 95]);
    expect(Array.from(out.subarray(31 * 3, 32 * 3))).toEqual([103, 99, 95]);
    expect(Array.from(out.subarray(32 * 3))).toEqual([103, 100, 96]);
  });
});

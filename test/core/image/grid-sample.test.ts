/**
 * grid_sample on a one-row image [40, 10, 20, 60], values worked out by hand from PyTorch's definitions
 * (align_corners = False: source x = (g + 1)·width/2 − 0.5, so g = (x + 0.5)/2 − 1 for width 4).
 */
import { describe, expect, it } from 'vitest';

import { gridSample, type GridSampleOptions } from '../../../src/core/image/grid-sample.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';

const ROW = rawImageFrom('f32', 4, 1, 1, Float32Array.of(40, 10, 20, 60));

/** Samples the row at source x positions (y = 0, the row's centre). */
function sampleAt(xs: readonly number[], options: GridSampleOptions): number[] {
  const data = new Float32Array(xs.length * 2);
  xs.forEach((x, i) => (data[2 * i] = (x + 0.5) / 2 - 1));
  return Array.from(gridSample(ROW, { width: xs.length, height: 1, data }, options).data);
}

describe('gridSample', () => {
  it.each([
    // Cubic convolution at t = 0.5: weights (−0.09375, 0.59375, 0.59375, −0.09375) over x = 0..3.
    ['bicubic', 1.5, -0.09375 * 40 + 0.59375 * 10 + 0.59375 * 20 - 0.09375 * 60],
    ['bilinear', 1.5, 15],
    ['bilinear', 2.25, 0.75 * 20 + 0.25 * 60],
    // Nearest rounds half to even: 0.5 → 0, 1.5 → 2, 2.5 → 2.
    ['nearest', 0.5, 40],
    ['nearest', 1.5, 20],
    ['nearest', 2.5, 20],
    ['nearest', 2.6, 60],
  ] as const)('%s at x = %s inside the image gives %s', (mode, x, expected) => {
    expect(sampleAt([x], { mode, padding: 'zeros' })[0]).toBeCloseTo(expected, 5);
  });

  it.each([
    // zeros: outside pixels read 0 (x = −0.5 is half the first pixel, half padding).
    ['zeros', [-1.5, -1, -0.5, 3.5, 4.5], [0, 0, 20, 30, 0]],
    // border: coordinates clamp to [0, 3].
    ['border', [-1.5, -1, -0.5, 3.5, 4.5], [40, 40, 40, 60, 60]],
    // reflection: mirror about −0.5 and 3.5, so −1.5 → 0.5 and 4.5 → 2.5, then clamp.
    ['reflection', [-1.5, -1, -0.5, 3.5, 4.5], [25, 40, 40, 60, 40]],
  ] as const)('bilinear with %s padding outside the image', (padding, xs, expected) => {
    const values = sampleAt(xs, { mode: 'bilinear', padding });
    values.forEach((v, i) => expect(v, `x = ${xs[i]}`).toBeCloseTo(expected[i] ?? NaN, 5));
  });

  it('pads every bicubic tap on its own', () => {
    // At x = 0 the taps are x = −1, 0, 1, 2 with weights (0, 1, 0, 0); at x = 0.5 the tap x = −1 weighs −0.09375.
    const [border, zeros, reflection] = (['border', 'zeros', 'reflection'] as const).map(
      (padding) => sampleAt([0.5], { mode: 'bicubic', padding })[0] ?? NaN,
    );
    const inner = 0.59375 * 40 + 0.59375 * 10 - 0.09375 * 20;
    expect(border).toBeCloseTo(inner - 0.09375 * 40, 5); // tap −1 clamps to x = 0
    expect(zeros).toBeCloseTo(inner, 5); // tap −1 reads 0
    expect(reflection).toBeCloseTo(inner - 0.09375 * 40, 5); // tap −1 mirrors to x = 0
    expect(sampleAt([0], { mode: 'bicubic', padding: 'zeros' })[0]).toBe(40);
  });

  it('samples every channel of a pixel at the same position', () => {
    const rgb = rawImageFrom('f32', 2, 1, 3, Float32Array.of(0, 100, 200, 10, 110, 210));
    const out = gridSample(
      rgb,
      { width: 1, height: 1, data: Float32Array.of(0, 0) },
      {
        mode: 'bilinear',
        padding: 'border',
      },
    );
    expect(Array.from(out.data)).toEqual([5, 105, 205]);
  });
});

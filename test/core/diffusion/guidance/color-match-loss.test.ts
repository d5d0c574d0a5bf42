// The colour-match loss at a real latent size (64×64), against a direct transcription of the notebook's loss:
// every pixel's distances sorted (float32 value, then pixel), compared with the sorted targets, the gradient
// through the sort, the norm, the clamp and the grey blend. The loss finds each pixel's target without sorting
// (histogram select, tie blocks of saturated pixels, narrowing of crowded buckets): images with saturated
// regions, many equal greys and NaN pixels take those paths.
import { describe, expect, it } from 'vitest';
import { colorDistanceTargets, colorMatchLoss } from '../../../../src/core/diffusion/guidance/color-match-loss.js';
import type { DecodedImage } from '../../../../src/core/diffusion/guidance/image-loss.js';
import type { Palette } from '../../../../src/core/diffusion/guidance/kmeans.js';

const SIDE = 64;
const PIXELS = SIDE * SIDE;
const GRAY = [0.2989, 0.587, 0.114];

const palette: Palette = {
  colors: [
    [-0.36, 0.15, 0.146],
    [0.354, -0.155, -0.152],
    [-0.569, -0.618, -0.703],
    [0.566, 0.618, 0.703],
  ],
  counts: [610, 624, 1426, 1436],
};

/** A 3×64×64 image: a smooth pattern of amplitude `amplitude`, optionally quantised to `levels` steps per unit. */
function image(amplitude: number, levels = 0, nanEvery = 0, [height, width] = [SIDE, SIDE]): DecodedImage {
  const data = Float64Array.from({ length: 3 * height * width }, (_, i) => {
    if (nanEvery > 0 && i % nanEvery === 0) return NaN;
    const v = Math.sin(i * 1.7 + Math.cos(i * 0.013)) * amplitude;
    return levels > 0 ? Math.round(v * levels) / levels : v;
  });
  return { shape: [1, 3, height, width], data };
}

/** The notebook's loss and its gradient, computed the plain way. */
function reference(picture: DecodedImage, w: number, colours = palette): { value: number; gradient: Float64Array } {
  const x = picture.data;
  const PIXELS = picture.data.length / 3;
  const k = colours.colors.length;
  const count = k * PIXELS;
  const blended: number[][] = [];
  const passes: boolean[][] = [];
  for (let p = 0; p < PIXELS; p++) {
    const rgb = [x[p] ?? 0, x[PIXELS + p] ?? 0, x[2 * PIXELS + p] ?? 0];
    const gray = (1 - w) * rgb.reduce((sum, v, c) => sum + (GRAY[c] ?? 0) * v, 0);
    const mixed = rgb.map((v) => w * v + gray);
    blended.push(mixed.map((m) => Math.min(1, Math.max(-1, m))));
    passes.push(mixed.map((m) => m >= -1 && m <= 1));
  }
  const targets = colorDistanceTargets(colours, PIXELS);
  const gradBlend = Array.from({ length: PIXELS }, () => [0, 0, 0]);
  let value = 0;
  colours.colors.forEach((colour, i) => {
    const distances = blended.map((b) => Math.hypot(...b.map((v, c) => v - (colour[c] ?? 0))));
    const order = distances
      .map((d, p) => ({ key: Math.fround(d), p }))
      .sort((a, b) => a.key - b.key || a.p - b.p)
      .map(({ p }) => p);
    order.forEach((p, rank) => {
      const d = distances[p] ?? 0;
      const diff = d - (targets[i]?.[rank] ?? 0);
      value += diff * diff;
      if (d === 0) return;
      for (let c = 0; c < 3; c++) {
        const g = gradBlend[p] as number[];
        g[c] = (g[c] ?? 0) + ((2 * diff) / count / d) * ((blended[p]?.[c] ?? 0) - (colour[c] ?? 0));
      }
    });
  });
  const gradient = new Float64Array(3 * PIXELS);
  for (let p = 0; p < PIXELS; p++) {
    const g = (gradBlend[p] as number[]).map((v, c) => (passes[p]?.[c] ? v : 0));
    const grayGrad = (1 - w) * g.reduce((a, b) => a + b, 0);
    for (let c = 0; c < 3; c++) gradient[c * PIXELS + p] = w * (g[c] ?? 0) + (GRAY[c] ?? 0) * grayGrad;
  }
  return { value: value / count, gradient };
}

function expectClose(actual: Float64Array, expected: Float64Array): void {
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(scale).toBeGreaterThan(0);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs((actual[i] ?? 0) - (expected[i] ?? 0)));
  expect(worst).toBeLessThanOrEqual(1e-9 * scale);
}

describe('the colour-match loss at 64×64', () => {
  it.each([
    ['mid-tones', 0.8, 0],
    ['mostly saturated (tie blocks at grey ±1)', 8, 0],
    ['16 grey levels (many equal distances)', 1.2, 16],
    ['saturated and quantised', 3, 4],
  ])('matches the notebook’s loss and gradient: %s', (_name, amplitude, levels) => {
    const picture = image(amplitude, levels);
    for (const w of [0, 0.6]) {
      const expected = reference(picture, w);
      const actual = colorMatchLoss(palette, w).evaluate(picture) as { value: number; gradient: Float64Array };
      expect(actual.value).toBeCloseTo(expected.value, 10);
      expectClose(actual.gradient, expected.gradient);
    }
  });

  it('matches at a size that is no whole number of the kernels’ four-pixel groups (7×9)', () => {
    const picture = image(1.5, 0, 0, [7, 9]);
    const small: Palette = { ...palette, counts: [10, 12, 20, 21] };
    const expected = reference(picture, 0, small);
    const actual = colorMatchLoss(small, 0).evaluate(picture) as { value: number; gradient: Float64Array };
    expect(actual.value).toBeCloseTo(expected.value, 12);
    expectClose(actual.gradient, expected.gradient);
  });

  it('matches with a one-colour palette (a single target level)', () => {
    const single: Palette = { colors: [[0.1, 0.2, 0.3]], counts: [4096] };
    const picture = image(1.5, 8);
    const expected = reference(picture, 0, single);
    const actual = colorMatchLoss(single, 0).evaluate(picture) as { value: number; gradient: Float64Array };
    expect(actual.value).toBeCloseTo(expected.value, 10);
    expectClose(actual.gradient, expected.gradient);
  });

  it('keeps working on an image with NaN pixels (the value is NaN, as torch gives)', () => {
    const loss = colorMatchLoss(palette, 0);
    const result = loss.evaluate(image(2, 0, 7)) as { value: number; gradient: Float64Array };
    expect(result.value).toBeNaN();
    expect(result.gradient.length).toBe(3 * PIXELS);
    // Next step, a clean image: buffers reused, nothing carried over.
    const clean = image(2);
    const again = loss.evaluate(clean) as { value: number; gradient: Float64Array };
    expectClose(again.gradient, reference(clean, 0).gradient);
  });

  it('subtracts scale × its gradient in place, the same values as evaluate', () => {
    const picture = image(3, 4);
    const loss = colorMatchLoss(palette, 0);
    const { gradient } = loss.evaluate(picture) as { gradient: Float64Array };
    const into = new Float64Array(3 * PIXELS).fill(0.25);
    loss.subtractScaledGradient?.(picture, 0.7, into);
    expect([...into]).toEqual([...gradient].map((g) => 0.25 - 0.7 * g));
  });
});

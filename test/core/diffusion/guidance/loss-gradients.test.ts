// Every closed-form guidance loss: its gradient on the latent prediction (loss gradient pulled back through the
// linear decoder) matches a central finite difference of loss(linearDecode(latent)) to 1e-4 relative.
import { describe, expect, it } from 'vitest';
import { colorMatchLoss } from '../../../../src/core/diffusion/guidance/color-match-loss.js';
import type { ImageLoss } from '../../../../src/core/diffusion/guidance/image-loss.js';
import { kmeansPalette } from '../../../../src/core/diffusion/guidance/kmeans.js';
import { linearDecode, createLinearDecoder } from '../../../../src/core/diffusion/guidance/linear-decoder.js';
import {
  blueLoss,
  exposureLoss,
  initMseLoss,
  meanLoss,
  varLoss,
} from '../../../../src/core/diffusion/guidance/pixel-losses.js';

const SHAPE = [1, 4, 6, 5];
const COUNT = 4 * 6 * 5;

function values(count: number, seed: number, amplitude: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648 - 0.5) * 2 * amplitude;
  });
}

const point = values(COUNT, 11, 1.5);
const palette = kmeansPalette(
  (() => {
    const rgb = linearDecode({ shape: [1, 4, 8, 8], data: values(256, 5, 1.5) }).data;
    const out = new Float64Array(rgb.length);
    for (let p = 0; p < 64; p++) for (let c = 0; c < 3; c++) out[3 * p + c] = rgb[c * 64 + p] ?? 0;
    return out;
  })(),
  3,
);

const LOSSES: [string, ImageLoss][] = [
  ['blue', blueLoss],
  ['mean', meanLoss],
  ['exposure', exposureLoss(0.5)],
  ['var', varLoss],
  ['init_mse', initMseLoss(linearDecode({ shape: SHAPE, data: values(COUNT, 3, 1) }))],
  ['colormatch w=0 (luminance)', colorMatchLoss(palette, 0)],
  ['colormatch w=0.6', colorMatchLoss(palette, 0.6)],
  ['colormatch w=1 (colour)', colorMatchLoss(palette, 1)],
];

async function lossAt(loss: ImageLoss, latent: Float64Array): Promise<number> {
  return (await loss.evaluate(linearDecode({ shape: SHAPE, data: latent }))).value;
}

describe.each(LOSSES)('the %s loss', (_name, loss) => {
  it('has the gradient of a central finite difference, to 1e-4 relative', async () => {
    const image = linearDecode({ shape: SHAPE, data: point });
    const analytic = await createLinearDecoder().pullback(
      { shape: SHAPE, data: Float32Array.from(point) },
      (await loss.evaluate(image)).gradient,
    );
    const scale = analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0);
    const h = 1e-6;
    for (let i = 0; i < COUNT; i++) {
      const plus = Float64Array.from(point);
      const minus = Float64Array.from(point);
      plus[i] = (plus[i] ?? 0) + h;
      minus[i] = (minus[i] ?? 0) - h;
      const numeric = ((await lossAt(loss, plus)) - (await lossAt(loss, minus))) / (2 * h);
      expect(Math.abs(numeric - (analytic[i] ?? 0))).toBeLessThanOrEqual(1e-4 * scale);
    }
  });
});

describe('the pixel losses', () => {
  const image = { shape: [1, 3, 1, 2], data: Float64Array.from([0.5, -0.5, 0, 0.2, 1, 0.4]) };
  it.each([
    ['blue = mean |B − 0.9|', blueLoss, (0.1 + 0.5) / 2],
    ['mean = mean |x|', meanLoss, 2.6 / 6],
    ['exposure = mean |x − 0.5|', exposureLoss(0.5), (0 + 1 + 0.5 + 0.3 + 0.5 + 0.1) / 6],
    [
      'var = unbiased variance',
      varLoss,
      (() => {
        const m = 1.6 / 6;
        return [0.5, -0.5, 0, 0.2, 1, 0.4].reduce((a, v) => a + (v - m) ** 2, 0) / 5;
      })(),
    ],
  ])('%s', async (_name, loss, expected) => {
    expect((await loss.evaluate(image)).value).toBeCloseTo(expected, 12);
  });
});

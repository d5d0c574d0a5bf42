import { describe, expect, it } from 'vitest';

import { latent } from '../../../src/core/diffusion/tensor.js';
import type { MaskPlane } from '../../../src/core/image/mask.js';
import { overlayComposite, overlayMask } from '../../../src/core/image/overlay-mask.js';

const plane = (width: number, height: number, values: number[]): MaskPlane => ({
  width,
  height,
  data: Float32Array.from(values),
});

describe('overlayMask', () => {
  it('keeps only the maximum values (binarised to the max, kept at their value) with blur 0', () => {
    expect(Array.from(overlayMask(plane(4, 1, [0.2, 0.8, 0.8, 0.5]), 0).data)).toEqual([
      0, 0.800000011920929, 0.800000011920929, 0,
    ]);
  });

  it('blurs with scipy’s reflect border: a constant stays constant and a spike spreads symmetrically', () => {
    const flat = overlayMask(plane(5, 3, new Array<number>(15).fill(1)), 2);
    flat.data.forEach((v) => expect(v).toBeCloseTo(1, 6));
    const spike = new Array<number>(81).fill(0);
    spike[40] = 1;
    const out = overlayMask(plane(9, 9, spike), 1).data;
    expect(out[40]).toBeCloseTo(0.1592, 3);
    expect(out[39]).toBe(out[41]);
    expect(out[31]).toBe(out[49]);
    expect(out[39]).toBeCloseTo(out[31] ?? 0, 7);
  });
});

describe('overlayComposite', () => {
  it.each([
    { m: 1, expected: 0.5 },
    { m: 0, expected: -0.25 },
    { m: 0.5, expected: 0.125 },
  ])('mask $m mixes original 0.5 and generated −0.25 into $expected in every channel', ({ m, expected }) => {
    const original = latent([1, 3, 1, 1], Float32Array.of(0.5, 0.5, 0.5));
    const generated = latent([1, 3, 1, 1], Float32Array.of(-0.25, -0.25, -0.25));
    const out = overlayComposite(original, generated, plane(1, 1, [m]));
    expect(Array.from(out.data)).toEqual([expected, expected, expected]);
  });

  it('refuses a mask of another size', () => {
    expect(() => overlayComposite(latent([1, 3, 2, 2]), latent([1, 3, 2, 2]), plane(3, 1, [0, 0, 0]))).toThrow(
      RangeError,
    );
  });
});

import { describe, expect, it } from 'vitest';

import { DeforumError } from '../../../src/core/errors.js';
import { createRawImage, toFloat32, type RawImage } from '../../../src/core/image/raw-image.js';
import { MIN_DEPTH } from '../../../src/core/image/warp-3d-grid.js';
import { warp3d, type DepthMap, type Warp3dParams } from '../../../src/core/image/warp-3d.js';

const STILL: Warp3dParams = {
  translationX: 0,
  translationY: 0,
  translationZ: 0,
  rotation3dXDeg: 0,
  rotation3dYDeg: 0,
  rotation3dZDeg: 0,
  nearPlane: 200,
  farPlane: 10000,
  fovDeg: 40,
  paddingMode: 'border',
  samplingMode: 'bicubic',
};

/** 40×30 RGB: a horizontal ramp in R, a vertical one in G, a bright square left of centre in B. */
function pattern(): RawImage<'u8'> {
  const image = createRawImage('u8', 40, 30, 3);
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const o = (y * 40 + x) * 3;
      image.data[o] = 20 + x * 5;
      image.data[o + 1] = 20 + y * 6;
      image.data[o + 2] = x >= 10 && x < 16 && y >= 12 && y < 18 ? 250 : 0;
    }
  }
  return image;
}

function flatDepth(width: number, height: number, z: number): DepthMap {
  return { width, height, data: new Float32Array(width * height).fill(z) };
}

/** Mean column of the bright blue square. */
function squareCentreX(image: RawImage): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    if ((image.data[i * 3 + 2] ?? 0) > 128) {
      sum += i % image.width;
      count++;
    }
  }
  return sum / count;
}

describe('warp3d', () => {
  it.each(['bicubic', 'bilinear', 'nearest'] as const)('returns the image unchanged without motion (%s)', (mode) => {
    const image = pattern();
    const out = warp3d(image, null, { ...STILL, samplingMode: mode });
    expect(out.format).toBe('u8');
    expect(Array.from(out.data)).toEqual(Array.from(image.data));
  });

  it('keeps float input float, offset by 1/512 − 0.0001 as the notebook adds it', () => {
    const image = toFloat32(pattern());
    const out = warp3d(image, flatDepth(40, 30, 2), STILL);
    expect(out.format).toBe('f32');
    out.data.forEach((v, i) => expect(Math.abs(v - (image.data[i] ?? 0) - 0.001853125)).toBeLessThan(2e-4));
  });

  it('moves content left for translation_x > 0, and further for nearer depth', () => {
    const image = pattern();
    const before = squareCentreX(image);
    const far = squareCentreX(warp3d(image, flatDepth(40, 30, 2), { ...STILL, translationX: 10 }));
    const near = squareCentreX(warp3d(image, flatDepth(40, 30, 1), { ...STILL, translationX: 10 }));
    expect(far).toBeLessThan(before);
    expect(near).toBeLessThan(far - 1);
  });

  it('fills uncovered pixels according to the padding mode when zooming out', () => {
    const image = pattern();
    const outs = Object.fromEntries(
      (['zeros', 'border', 'reflection'] as const).map((paddingMode) => [
        paddingMode,
        warp3d(image, null, { ...STILL, translationZ: -60, paddingMode, samplingMode: 'bilinear' }),
      ]),
    );
    // Top-left corner pixel: black with zeros, the corner colour with border, a mirrored inner pixel otherwise.
    expect(Array.from(outs.zeros?.data.subarray(0, 3) ?? [])).toEqual([0, 0, 0]);
    expect(Array.from(outs.border?.data.subarray(0, 3) ?? [])).toEqual([20, 20, 0]);
    const reflected = Array.from(outs.reflection?.data.subarray(0, 3) ?? []);
    expect(reflected[0]).toBeGreaterThan(20);
    expect(reflected[1]).toBeGreaterThan(20);
  });

  it('raises depth at or below zero to the depth floor instead of flipping the projection', () => {
    const image = pattern();
    const params = { ...STILL, translationZ: 5, translationX: 3 };
    const floored = warp3d(image, flatDepth(40, 30, MIN_DEPTH), params);
    for (const z of [0, -2, NaN]) {
      expect(Array.from(warp3d(image, flatDepth(40, 30, z), params).data), `z = ${z}`).toEqual(
        Array.from(floored.data),
      );
    }
  });

  it.each([
    ['fov 0', { fovDeg: 0 }, /fov is 0; it must be strictly between 0 and 180/],
    ['fov 180', { fovDeg: 180 }, /fov is 180/],
    ['near ≥ far', { nearPlane: 500, farPlane: 500 }, /near_plane\/far_plane is 500\/500/],
    ['near 0', { nearPlane: 0 }, /0 < near_plane < far_plane/],
    ['a NaN translation', { translationZ: NaN }, /translationZ is NaN; it must be a finite number/],
    ['an infinite rotation', { rotation3dYDeg: Infinity }, /rotation3dYDeg is Infinity/],
  ])('refuses %s with a DeforumError', (_case, change, message) => {
    const run = (): unknown => warp3d(pattern(), null, { ...STILL, ...change });
    expect(run).toThrow(DeforumError);
    expect(run).toThrow(message);
  });

  it('refuses a depth map of another size and an empty image', () => {
    expect(() => warp3d(pattern(), flatDepth(20, 15, 1), STILL)).toThrow(/depth map size is 20×15 .* 40×30/);
    const empty = { format: 'u8', width: 0, height: 0, channels: 3, data: new Uint8Array(0) } as const;
    expect(() => warp3d(empty, null, STILL)).toThrow(DeforumError);
    expect(() => warp3d(empty, null, STILL)).toThrow(/image size is 0×0/);
  });
});

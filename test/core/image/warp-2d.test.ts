import { describe, expect, it } from 'vitest';

import { createRawImage, rawImageFrom, type RawImage } from '../../../src/core/image/raw-image.js';
import { warp2d, warp2dMatrix, type Motion2d, type Warp2dParams } from '../../../src/core/image/warp-2d.js';
import {
  applyWarpPlan,
  invert3x3,
  planWarpPerspective,
  warpPerspective,
} from '../../../src/core/image/warp-perspective.js';

const STILL: Motion2d = {
  angleDeg: 0,
  zoom: 1,
  translationX: 0,
  translationY: 0,
  perspectiveFlipThetaDeg: 0,
  perspectiveFlipPhiDeg: 0,
  perspectiveFlipGammaDeg: 0,
  perspectiveFlipFovDeg: 53,
};

function params(motion: Partial<Motion2d>, extra: Partial<Warp2dParams> = {}): Warp2dParams {
  return { ...STILL, ...motion, flip2dPerspective: false, border: 'replicate', ...extra };
}

/** A 12×8 RGB image whose every value encodes its position, so shifts are easy to check. */
function gradient(width = 12, height = 8): RawImage<'u8'> {
  const image = createRawImage('u8', width, height, 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.data.set([x * 20, y * 30, (x * 7 + y * 13) % 256], (y * width + x) * 3);
  }
  return image;
}

function pixel(image: RawImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * image.channels;
  return Array.from(image.data.subarray(o, o + image.channels));
}

describe('warp2dMatrix', () => {
  it('rotates about (W//2, H//2) with cv2.getRotationMatrix2D signs', () => {
    const m = warp2dMatrix(params({ angleDeg: 90 }), 13, 9);
    const c = Math.cos(Math.PI / 2);
    // Centre (6, 4) is fixed; positive angle is counter-clockwise on screen.
    expect(Array.from(m)).toEqual([c, 1, (1 - c) * 6 - 4, -1, c, 6 + (1 - c) * 4, 0, 0, 1]);
  });

  it('translates before rotating and zooming: xform = rot · trans', () => {
    const m = warp2dMatrix(params({ zoom: 2, translationX: 3, translationY: -1 }), 10, 10);
    expect(Array.from(m)).toEqual([2, 0, 2 * 3 - 5, 0, 2, 2 * -1 - 5, 0, 0, 1]);
  });

  it('rounds translation to float32 like the notebook', () => {
    const m = warp2dMatrix(params({ translationX: 0.1 }), 10, 10);
    expect(m[2]).toBe(Math.fround(0.1));
  });

  it('ignores translation when the perspective flip is on (spec §24 item 8, kept)', () => {
    const flip = { flip2dPerspective: true, perspectiveFlipPhiDeg: 10 };
    expect(warp2dMatrix(params({ translationX: 25, translationY: 9 }, flip), 64, 48)).toEqual(
      warp2dMatrix(params({}, flip), 64, 48),
    );
  });

  it('keeps the P[3][3] = 1 shrink of the flip projection (≈ h/(h+1))', () => {
    const m = warp2dMatrix(params({}, { flip2dPerspective: true }), 512, 512);
    expect(m[0]).toBeGreaterThan(0.998);
    expect(m[0]).toBeLessThan(0.9995);
  });
});

describe('warpPerspective / warp2d', () => {
  it('identity returns the input exactly (u8 and f32)', () => {
    const image = gradient();
    expect(warp2d(image, params({})).data).toEqual(image.data);
    const float = rawImageFrom(
      'f32',
      12,
      8,
      3,
      Float32Array.from(image.data, (v) => v + 0.25),
    );
    expect(warp2d(float, params({})).data).toEqual(float.data);
  });

  it('an integer translation shifts pixels exactly and replicates the edge', () => {
    const image = gradient();
    const out = warp2d(image, params({ translationX: 3, translationY: 2 }));
    expect(pixel(out, 5, 4)).toEqual(pixel(image, 2, 2));
    expect(pixel(out, 11, 7)).toEqual(pixel(image, 8, 5));
    expect(pixel(out, 1, 0)).toEqual(pixel(image, 0, 0));
  });

  it('wrap tiles the image where replicate clamps', () => {
    const image = gradient();
    const wrap = warp2d(image, params({ translationX: 3 }, { border: 'wrap' }));
    const replicate = warp2d(image, params({ translationX: 3 }, { border: 'replicate' }));
    expect(pixel(wrap, 0, 3)).toEqual(pixel(image, 9, 3));
    expect(pixel(wrap, 2, 3)).toEqual(pixel(image, 11, 3));
    expect(pixel(replicate, 0, 3)).toEqual(pixel(image, 0, 3));
    expect(pixel(wrap, 6, 3)).toEqual(pixel(replicate, 6, 3));
  });

  it.each([
    // x = 16.5/32 rounds half-to-even to cell 16: 255·16/32 → 128 (exact bilinear: 131.5).
    [16.5 / 32, 128],
    // x = 17.5/32 rounds to cell 18: (255·18432 + 2^14) >> 15 = 143 (exact bilinear: 139.4).
    [17.5 / 32, 143],
  ])('quantises x = %f to 1/32 px with 15-bit weights → %i', (x, expected) => {
    const row = rawImageFrom('u8', 2, 1, 1, Uint8Array.of(0, 255));
    const out = warpPerspective(row, Float64Array.of(1, 0, -x, 0, 1, 0, 0, 0, 1), 'replicate');
    expect(out.data[0]).toBe(expected);
  });

  it('keeps the format and size of its input', () => {
    const out = warp2d(createRawImage('f32', 5, 4, 4), params({ angleDeg: 5 }));
    expect(out).toMatchObject({ format: 'f32', width: 5, height: 4, channels: 4 });
    expect(out.data).toBeInstanceOf(Float32Array);
  });

  it('inverts like cv::invert and rejects a zero zoom', () => {
    const m = Float64Array.of(2, 0, 4, 0, 4, -8, 0, 0, 1);
    expect(Array.from(invert3x3(m), (v) => v + 0)).toEqual([0.5, 0, -2, 0, 0.25, 2, 0, 0, 1]);
    expect(() => warp2d(gradient(), params({ zoom: 0 }))).toThrow(/singular/);
  });
});

describe('warp plans', () => {
  const matrix = warp2dMatrix(params({ angleDeg: 7, zoom: 0.8, translationX: 1.5 }), 12, 8);

  it('one plan warps u8 and f32 images of any channel count as warpPerspective does', () => {
    const plan = planWarpPerspective(matrix, 12, 8);
    const rgb = gradient();
    const gray = rawImageFrom(
      'u8',
      12,
      8,
      1,
      rgb.data.filter((_, i) => i % 3 === 0),
    );
    for (const image of [rgb, gray]) {
      for (const border of ['replicate', 'wrap'] as const) {
        expect(applyWarpPlan(image, plan, border)).toEqual(warpPerspective(image, matrix, border));
        const float = rawImageFrom(
          'f32',
          12,
          8,
          image.channels,
          Float32Array.from(image.data, (v) => v / 3),
        );
        expect(applyWarpPlan(float, plan, border)).toEqual(warpPerspective(float, matrix, border));
      }
    }
  });

  it('is written into a plan of the same size when given one, and refuses other sizes', () => {
    const old = planWarpPerspective(warp2dMatrix(params({ zoom: 1.3 }), 12, 8), 12, 8);
    const plan = planWarpPerspective(matrix, 12, 8, old);
    expect(plan.positions).toBe(old.positions);
    expect(plan).toEqual(planWarpPerspective(matrix, 12, 8));
    expect(() => planWarpPerspective(matrix, 8, 12, old)).toThrow(RangeError);
    expect(() => applyWarpPlan(createRawImage('u8', 8, 12, 3), plan, 'replicate')).toThrow(RangeError);
  });
});

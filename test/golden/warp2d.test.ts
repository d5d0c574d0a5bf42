/**
 * Parity with the notebook's `anim_frame_warp_2d` (golden/warp2d.json, README "warp2d.json + warp2d/").
 * Tolerances from the README: xform within 1e-9 relative (to max(|golden|, 1), since some entries are ~1e-17);
 * u8 images max |diff| ≤ 4, mean ≤ 0.25, ≤ 1 % of values off by more than 2; float32 max ≤ 4.0, mean ≤ 0.25.
 * Our warp emulates OpenCV's fixed-point arithmetic, so on top of that every case must be bit-exact.
 */
import { describe, expect, it } from 'vitest';

import { decodeImage } from '../../src/core/image/codec.js';
import { toFloat32 } from '../../src/core/image/raw-image.js';
import { warp2d, warp2dMatrix, type Warp2dParams } from '../../src/core/image/warp-2d.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { diffStats, readGoldenSamples } from '../support/image-diff.js';

interface Warp2dCase {
  id: string;
  angle: number;
  zoom: number;
  translation_x: number;
  translation_y: number;
  border: 'replicate' | 'wrap';
  flip_2d_perspective: boolean;
  perspective_flip_theta: number;
  perspective_flip_phi: number;
  perspective_flip_gamma: number;
  perspective_flip_fv: number;
  W: number;
  H: number;
  dtype: 'uint8' | 'float32';
  input: string;
  xform: number[][];
  output: string;
}

const { cases } = readGoldenJson<{ cases: Warp2dCase[] }>('warp2d.json');

function paramsOf(c: Warp2dCase): Warp2dParams {
  return {
    angleDeg: c.angle,
    zoom: c.zoom,
    translationX: c.translation_x,
    translationY: c.translation_y,
    perspectiveFlipThetaDeg: c.perspective_flip_theta,
    perspectiveFlipPhiDeg: c.perspective_flip_phi,
    perspectiveFlipGammaDeg: c.perspective_flip_gamma,
    perspectiveFlipFovDeg: c.perspective_flip_fv,
    flip2dPerspective: c.flip_2d_perspective,
    border: c.border,
  };
}

describe('warp2d golden parity', () => {
  const exact: string[] = [];

  it.each(cases.map((c) => [c.id, c] as const))('%s: xform matches the notebook', (_id, c) => {
    const matrix = warp2dMatrix(paramsOf(c), c.W, c.H);
    c.xform.flat().forEach((expected, i) => {
      expect(Math.abs((matrix[i] ?? NaN) - expected), `${c.id} xform[${i}]`).toBeLessThanOrEqual(
        1e-9 * Math.max(Math.abs(expected), 1),
      );
    });
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: warped image matches cv2.warpPerspective', async (_id, c) => {
    const input = await decodeImage(goldenPath(c.input));
    const source = c.dtype === 'float32' ? toFloat32(input) : input;
    const output = warp2d(source, paramsOf(c));
    const expected = await readGoldenSamples(c.output);
    expect(output.data.length, `${c.id}: sample count`).toBe(expected.length);

    const stats = diffStats(output.data, expected, 2);
    expect(stats.max, `${c.id}: max |diff|`).toBeLessThanOrEqual(4);
    expect(stats.mean, `${c.id}: mean |diff|`).toBeLessThanOrEqual(0.25);
    if (c.dtype === 'uint8') expect(stats.outliers / expected.length, `${c.id}: share > 2`).toBeLessThanOrEqual(0.01);
    if (stats.differing === 0) exact.push(c.id);
    expect(stats.differing, `${c.id}: values differing from cv2 (max ${stats.max})`).toBe(0);
  });

  it('reports bit-exact cases', () => {
    console.log(`warp2d golden: ${exact.length}/${cases.length} cases bit-exact`);
    expect(exact).toHaveLength(cases.length);
  });
});

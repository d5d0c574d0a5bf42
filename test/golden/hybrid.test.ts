/**
 * Parity with the notebook's hybrid video RANSAC motion and compositing (golden/hybrid.json, README
 * "hybrid.json + hybrid/"); the flow cases live in hybrid-flow.test.ts. Tolerances from the README:
 * - matrices: ≤ 1e-4 relative (to max(|golden|, 1): the perspective row holds entries ~1e-5 that LK noise of
 *   1e-4 px moves) — same OpenCV pipeline, opencv.js 4.12 instead of 4.6 — and the 4 corners within 1 px;
 * - warped images given the golden matrix: max ≤ 4, mean ≤ 0.25, ≤ 1 % of values > 2;
 * - composite masks and outputs ±1 (PIL-exact port); Video Depth and the LANCZOS case ±8 and mean ≤ 1.5.
 */
import { describe, expect, it } from 'vitest';
import { diffStats } from '../support/image-diff.js';

import { decodeImage } from '../../src/core/image/codec.js';
import {
  hybridComposite,
  type HybridCompMaskEqualize,
  type HybridCompMaskType,
} from '../../src/core/image/hybrid/hybrid-composite.js';
import {
  applyHybridMotionMatrix,
  estimateHybridMotionMatrix,
  type HybridMatrixMotion,
} from '../../src/core/image/hybrid/ransac-motion.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';

interface RansacCase {
  id: string;
  pair: string;
  motion: HybridMatrixMotion;
  border: 'replicate' | 'wrap';
  matrix: number[][];
  output: string;
}

interface CompositeCase {
  id: string;
  mask_type: HybridCompMaskType;
  inverse: boolean;
  equalize: HybridCompMaskEqualize;
  auto_contrast: boolean;
  hybrid_comp_schedules: {
    alpha: number;
    mask_blend_alpha: number;
    mask_contrast: number;
    mask_auto_contrast_cutoff_low: number;
    mask_auto_contrast_cutoff_high: number;
  };
  prev_img: string;
  video_frame: string;
  depth_frame?: string;
  video_depth_jpeg_readback?: string;
  mask?: string;
  output: string;
}

interface HybridGolden {
  W: number;
  H: number;
  ransac: { cases: RansacCase[] };
  composite: { cases: CompositeCase[] };
}

const golden = readGoldenJson<HybridGolden>('hybrid.json');

function as3x3(rows: number[][]): Float64Array {
  const flat = rows.flat();
  return Float64Array.from(flat.length === 6 ? [...flat, 0, 0, 1] : flat);
}

function mapPoint(m: Float64Array, x: number, y: number): [number, number] {
  const w = (m[6] ?? 0) * x + (m[7] ?? 0) * y + (m[8] ?? 0);
  return [((m[0] ?? 0) * x + (m[1] ?? 0) * y + (m[2] ?? 0)) / w, ((m[3] ?? 0) * x + (m[4] ?? 0) * y + (m[5] ?? 0)) / w];
}

describe('hybrid RANSAC motion golden parity', () => {
  it.each(golden.ransac.cases.map((c) => [c.id, c] as const))('%s: matrix', async (_id, c) => {
    const [frame0, frame1] = await Promise.all([
      decodeImage(goldenPath(`hybrid/${c.pair}_frame0.png`)),
      decodeImage(goldenPath(`hybrid/${c.pair}_frame1.png`)),
    ]);
    const matrix = await estimateHybridMotionMatrix(frame0, frame1, c.motion);
    const expected = as3x3(c.matrix);
    expected.forEach((g, i) => {
      expect(Math.abs((matrix[i] ?? NaN) - g), `${c.id} matrix[${i}]`).toBeLessThanOrEqual(
        1e-4 * Math.max(Math.abs(g), 1),
      );
    });
    for (const [x, y] of [
      [0, 0],
      [golden.W, 0],
      [0, golden.H],
      [golden.W, golden.H],
    ] as const) {
      const [ax, ay] = mapPoint(matrix, x, y);
      const [gx, gy] = mapPoint(expected, x, y);
      expect(Math.hypot(ax - gx, ay - gy), `${c.id} corner (${x}, ${y})`).toBeLessThanOrEqual(1);
    }
  });

  it.each(golden.ransac.cases.map((c) => [c.id, c] as const))('%s: warp with the golden matrix', async (_id, c) => {
    const prev = await decodeImage(goldenPath('hybrid/prev_img.png'));
    const output = await applyHybridMotionMatrix(prev, as3x3(c.matrix), c.motion, c.border);
    const expected = await decodeImage(goldenPath(c.output));
    const stats = diffStats(output.data, expected.data, 2);
    expect(stats.max, `${c.id}: max |diff|`).toBeLessThanOrEqual(4);
    expect(stats.mean, `${c.id}: mean |diff|`).toBeLessThanOrEqual(0.25);
    expect(stats.outliers / expected.data.length, `${c.id}: share > 2`).toBeLessThanOrEqual(0.01);
  });

  it('too few features give the identity', async () => {
    const flat = await decodeImage(goldenPath('hybrid/prev_img.png'));
    flat.data.fill(128);
    for (const motion of ['Perspective', 'Affine'] as const) {
      expect(Array.from(await estimateHybridMotionMatrix(flat, flat, motion))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    }
  });
});

describe('hybrid composite golden parity', () => {
  it.each(golden.composite.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const [prev, video] = await Promise.all([
      decodeImage(goldenPath(c.prev_img)),
      decodeImage(goldenPath(c.video_frame)),
    ]);
    const depthFile = c.depth_frame ?? c.video_depth_jpeg_readback;
    const depth = depthFile === undefined ? undefined : await decodeImage(goldenPath(depthFile));
    const s = c.hybrid_comp_schedules;
    const result = hybridComposite(
      { prev, video, ...(depth === undefined ? {} : { depth }) },
      {
        maskType: c.mask_type,
        inverse: c.inverse,
        equalize: c.equalize,
        autoContrast: c.auto_contrast,
        alpha: s.alpha,
        maskBlendAlpha: s.mask_blend_alpha,
        maskContrast: s.mask_contrast,
        autoContrastCutoffLow: s.mask_auto_contrast_cutoff_low,
        autoContrastCutoffHigh: s.mask_auto_contrast_cutoff_high,
      },
    );
    const loose = c.mask_type === 'Video Depth' || video.width !== prev.width;
    const check = (actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void => {
      const stats = diffStats(actual, expected);
      expect(stats.max, `${c.id} ${what}: max |diff|`).toBeLessThanOrEqual(loose ? 8 : 1);
      if (loose) expect(stats.mean, `${c.id} ${what}: mean |diff|`).toBeLessThanOrEqual(1.5);
    };
    if (c.mask === undefined) {
      expect(result.mask).toBeNull();
    } else {
      const expectedMask = await decodeImage(goldenPath(c.mask));
      // The golden mask PNG is grey stored as RGB: compare its first channel.
      check(
        result.mask?.data ?? [],
        expectedMask.data.filter((_v, i) => i % 3 === 0),
        'mask',
      );
    }
    check(result.image.data, (await decodeImage(goldenPath(c.output))).data, 'output');
  });

  it('mask None with alpha 1 replaces the previous frame by the video frame (spec §24 item 31, B)', async () => {
    const prev = await decodeImage(goldenPath('hybrid/prev_img.png'));
    const video = await decodeImage(goldenPath('hybrid/composite_video_128x96.png'));
    const params = {
      maskType: 'None',
      inverse: true,
      equalize: 'None',
      autoContrast: false,
      alpha: 1,
      maskBlendAlpha: 0.5,
      maskContrast: 1,
      autoContrastCutoffLow: 0,
      autoContrastCutoffHigh: 100,
    } as const;
    expect(Buffer.from(hybridComposite({ prev, video }, params).image.data).equals(Buffer.from(video.data))).toBe(true);
  });

  it('auto-contrast of a flat mask does not divide by zero (spec §24 item 32, F)', async () => {
    const prev = await decodeImage(goldenPath('hybrid/prev_img.png'));
    const result = hybridComposite(
      { prev, video: prev },
      {
        maskType: 'Difference',
        inverse: false,
        equalize: 'None',
        autoContrast: true,
        alpha: 1,
        maskBlendAlpha: 0.5,
        maskContrast: 1,
        autoContrastCutoffLow: 0,
        autoContrastCutoffHigh: 100,
      },
    );
    expect(result.mask?.data.every((v) => v === 0)).toBe(true);
    expect(Buffer.from(result.image.data).equals(Buffer.from(prev.data))).toBe(true);
  });
});

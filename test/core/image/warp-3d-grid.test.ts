/**
 * The 3D warp's grid (warp-3d-grid.ts, its per-pixel arithmetic in warp-3d-grid-simd.ts) against the formula
 * written out point by point in float64, in the same operation order: the same float32 values bit for bit, for
 * any motion, depth (NaN, negative, zero, below and above the floor) and width, and any split of the rows.
 */
import { describe, expect, it } from 'vitest';

import { MIN_DEPTH, warp3dGridRows, warp3dProjections } from '../../../src/core/image/warp-3d-grid.js';

let state = 31337;
const random = (): number => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 2 ** 32;
};

/** `offset_coords_2d` for one pixel, as the scalar loop computed it. */
function referencePoint(
  projections: { old: Float64Array; new: Float64Array },
  width: number,
  height: number,
  i: number,
  j: number,
  raw: number,
): [number, number] {
  const o = (k: number): number => projections.old[k] ?? 0;
  const n = (k: number): number => projections.new[k] ?? 0;
  const x = width === 1 ? -1 : -1 + (2 * j) / (width - 1);
  const y = height === 1 ? -1 : -1 + (2 * i) / (height - 1);
  const z = raw > MIN_DEPTH ? raw : MIN_DEPTH;
  const oldW = x * o(3) + y * o(7) + z * o(11) + o(15);
  const newW = x * n(3) + y * n(7) + z * n(11) + n(15);
  const dx = (x * n(0) + y * n(4) + z * n(8) + n(12)) / newW - (x * o(0) + y * o(4) + z * o(8) + o(12)) / oldW;
  const dy = (x * n(1) + y * n(5) + z * n(9) + n(13)) / newW - (x * o(1) + y * o(5) + z * o(9) + o(13)) / oldW;
  return [(2 * j + 1) / width - 1 - dx, (2 * i + 1) / height - 1 - dy];
}

describe('warp3dGridRows', () => {
  it('gives the float64 formula rounded to float32, bit for bit', () => {
    let compared = 0;
    for (let t = 0; t < 40; t++) {
      // Widths of every remainder mod 4, growing and shrinking (the kernel's rows are whole groups of four).
      const width = t < 8 ? 1 + t : 1 + Math.floor(random() * (t % 5 === 0 ? 700 : 70));
      const height = 1 + Math.floor(random() * 12);
      const motion = {
        translationX: (random() - 0.5) * 40,
        translationY: (random() - 0.5) * 40,
        translationZ: (random() - 0.5) * 400,
        rotation3dXDeg: (random() - 0.5) * 60,
        rotation3dYDeg: (random() - 0.5) * 60,
        rotation3dZDeg: (random() - 0.5) * 90,
      };
      const projections = warp3dProjections(motion, { nearPlane: 200, farPlane: 10000, fovDeg: 20 + random() * 100 });
      const specials = [Number.NaN, -1, 0, MIN_DEPTH, Math.fround(MIN_DEPTH) * 0.999, Infinity];
      const depth =
        t % 4 === 0
          ? null
          : Float32Array.from({ length: width * height }, () =>
              random() < 0.2 ? (specials[Math.floor(random() * specials.length)] ?? 1) : random() * 20,
            );
      const grid = new Float32Array(2 * width * height);
      const cut = Math.floor(random() * height);
      warp3dGridRows(projections, width, height, depth, 0, cut, grid);
      warp3dGridRows(projections, width, height, depth, cut, height, grid.subarray(2 * cut * width));
      const expected = new Float32Array(grid.length);
      for (let i = 0; i < height; i++) {
        for (let j = 0; j < width; j++) {
          const raw = depth === null ? 1 : (depth[i * width + j] ?? 1);
          expected.set(referencePoint(projections, width, height, i, j, raw), 2 * (i * width + j));
        }
      }
      expect(new Uint32Array(grid.buffer), `case ${t}: ${width}×${height}`).toEqual(new Uint32Array(expected.buffer));
      compared += grid.length;
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});

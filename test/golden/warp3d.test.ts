/**
 * Parity with the notebook's `anim_frame_warp_3d` (golden/warp3d.json, README "warp3d.json + warp3d/").
 * Tolerances from the README: translate_xyz, rotate_xyz_radians, rot_mat, both projection matrices and the grid
 * abs ≤ 1e-4 (torch computed them in float32); u8 images max |diff| ≤ 2 and mean ≤ 0.05, and for `nearest` up
 * to 0.5 % of pixels may differ at ties; the float32 case abs ≤ 0.01 with the same outlier allowance.
 * The image is computed from OUR grid (the whole warp), not the golden one. A failing image case prints its
 * max/mean difference and writes a diff PNG (|diff| × 32) to a temp folder.
 */
import { describe, expect, it } from 'vitest';

import { eulerAnglesToMatrixXyz } from '../../src/core/image/camera-3d.js';
import { decodeImage } from '../../src/core/image/codec.js';
import { toFloat32 } from '../../src/core/image/raw-image.js';
import { rotateXyzRadians, translateXyz, warp3dGrid, warp3dProjections } from '../../src/core/image/warp-3d-grid.js';
import { warp3d, type DepthMap, type Warp3dParams } from '../../src/core/image/warp-3d.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { diffStats, readGoldenSamples, writeDiffPng } from '../support/image-diff.js';
import { readNpy } from '../support/npy.js';

interface Warp3dCase {
  id: string;
  translation_x: number;
  translation_y: number;
  translation_z: number;
  rotation_3d_x: number;
  rotation_3d_y: number;
  rotation_3d_z: number;
  near_plane: number;
  far_plane: number;
  fov: number;
  padding_mode: 'border' | 'reflection' | 'zeros';
  sampling_mode: 'bicubic' | 'bilinear' | 'nearest';
  use_depth: boolean;
  W: number;
  H: number;
  dtype: 'uint8' | 'float32';
  input: string;
  depth: string | null;
  translate_xyz: number[];
  rotate_xyz_radians: number[];
  rot_mat: number[][];
  full_projection_old: number[][];
  full_projection_new: number[][];
  grid: string;
  output: string;
}

const { cases } = readGoldenJson<{ cases: Warp3dCase[] }>('warp3d.json');
const TABLE = cases.map((c) => [c.id, c] as const);

function paramsOf(c: Warp3dCase): Warp3dParams {
  return {
    translationX: c.translation_x,
    translationY: c.translation_y,
    translationZ: c.translation_z,
    rotation3dXDeg: c.rotation_3d_x,
    rotation3dYDeg: c.rotation_3d_y,
    rotation3dZDeg: c.rotation_3d_z,
    nearPlane: c.near_plane,
    farPlane: c.far_plane,
    fovDeg: c.fov,
    paddingMode: c.padding_mode,
    samplingMode: c.sampling_mode,
  };
}

function depthOf(c: Warp3dCase): DepthMap | null {
  if (c.depth === null) return null;
  const npy = readNpy(goldenPath(c.depth));
  if (npy.dtype !== 'float32') throw new Error(`${c.depth}: expected float32, got ${npy.dtype}`);
  return { width: c.W, height: c.H, data: npy.data };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  expected.forEach((value, i) => {
    expect(Math.abs((actual[i] ?? NaN) - value), `${label}[${i}]`).toBeLessThanOrEqual(1e-4);
  });
}

describe('warp3d golden parity', () => {
  const exact: string[] = [];

  it.each(TABLE)('%s: translate_xyz, rotate_xyz_radians and rot_mat match', (_id, c) => {
    const params = paramsOf(c);
    expectClose(translateXyz(params), c.translate_xyz, `${c.id} translate_xyz`);
    expectClose(rotateXyzRadians(params), c.rotate_xyz_radians, `${c.id} rotate_xyz_radians`);
    expectClose(eulerAnglesToMatrixXyz(rotateXyzRadians(params)), c.rot_mat.flat(), `${c.id} rot_mat`);
  });

  it.each(TABLE)('%s: full projection transforms match', (_id, c) => {
    const params = paramsOf(c);
    const projections = warp3dProjections(params, params);
    expectClose(projections.old, c.full_projection_old.flat(), `${c.id} full_projection_old`);
    expectClose(projections.new, c.full_projection_new.flat(), `${c.id} full_projection_new`);
  });

  it.each(TABLE)('%s: the sampling grid matches offset_coords_2d', (_id, c) => {
    const params = paramsOf(c);
    const grid = warp3dGrid(params, params, c.W, c.H, depthOf(c));
    const golden = readNpy(goldenPath(c.grid));
    expect(golden.shape).toEqual([c.H, c.W, 2]);
    let max = 0;
    for (let i = 0; i < golden.data.length; i++) {
      max = Math.max(max, Math.abs((grid.data[i] ?? NaN) - (golden.data[i] ?? NaN)));
    }
    expect(max, `${c.id}: max |grid diff|`).toBeLessThanOrEqual(1e-4);
  });

  it.each(TABLE)('%s: warped image matches transform_image_3d', async (_id, c) => {
    const input = await decodeImage(goldenPath(c.input));
    const source = c.dtype === 'float32' ? toFloat32(input) : input;
    const output = warp3d(source, depthOf(c), paramsOf(c));
    const expected = await readGoldenSamples(c.output);
    expect(output.format).toBe(c.dtype === 'float32' ? 'f32' : 'u8');
    expect(output.data.length, `${c.id}: sample count`).toBe(expected.length);

    const floatCase = c.dtype === 'float32';
    const stats = diffStats(output.data, expected, floatCase ? 0.01 : 2);
    const pixels = c.W * c.H;
    const allowedOutliers = floatCase || c.sampling_mode === 'nearest' ? 0.005 * pixels : 0;
    const ok = floatCase ? stats.outliers <= allowedOutliers : stats.outliers <= allowedOutliers && stats.mean <= 0.05;
    if (!ok) {
      const file = await writeDiffPng('warp3d', c.id, output, expected);
      console.log(`warp3d ${c.id}: max |diff| ${stats.max}, mean ${stats.mean.toFixed(5)}; diff image ${file}`);
    }
    if (stats.differing === 0) exact.push(c.id);
    expect(stats.outliers, `${c.id}: values off by more than the limit (max ${stats.max})`).toBeLessThanOrEqual(
      allowedOutliers,
    );
    if (!floatCase) expect(stats.mean, `${c.id}: mean |diff|`).toBeLessThanOrEqual(0.05);
  });

  it('reports exact cases', () => {
    console.log(`warp3d golden: ${exact.length}/${cases.length} images exact (${exact.join(', ')})`);
    expect(exact.length).toBeGreaterThanOrEqual(3);
  });
});

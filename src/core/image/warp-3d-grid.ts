/**
 * The sampling grid of Deforum's 3D warp (`anim_frame_warp_3d` → `transform_image_3d`, helpers/animation.py;
 * spec §5.2): every pixel of a world grid with corners at ±1 and depth z is projected by the still camera and
 * by the moved camera, and the difference of the two NDC positions is subtracted from `affine_grid`'s identity
 * grid (align_corners = False). This is Disco Diffusion's backward warp that evaluates the forward flow at the
 * destination pixel, not a reprojection.
 * Reproduced on purpose (spec §24 item 10, B): translation_x is negated (3D moves content the other way from 2D),
 * translation_z is negated (positive moves the camera forward), both scaled by 1/200 (Disco's scale); near and
 * far enter the matrices but cannot change the image.
 * Changed (spec §24 item 11, F, docs/deviations.md): depth below MIN_DEPTH (including ≤ 0 and NaN) is raised to
 * MIN_DEPTH, because the projection divides by it and flips or explodes at z ≤ 0.
 */
import { eulerAnglesToMatrixXyz, fullProjectionTransform, type Camera3d, type Vec3 } from './camera-3d.js';
import type { SampleGrid } from './grid-sample.js';
import { identity } from './matrix.js';
import { gridRow, type GridSetup } from './warp-3d-grid-simd.js';

/** The per-frame 3D motion values (schedule values at frame f; Deforum names in the comments). */
export interface Motion3d {
  /** `translation_x`: 1/200 scene units per frame; positive moves content LEFT (opposite of 2D). */
  translationX: number;
  /** `translation_y`: positive moves content down. */
  translationY: number;
  /** `translation_z`: positive moves the camera forward (zooms in). */
  translationZ: number;
  /** `rotation_3d_x`, degrees per frame; positive moves content down. */
  rotation3dXDeg: number;
  /** `rotation_3d_y`, degrees per frame; positive moves content left. */
  rotation3dYDeg: number;
  /** `rotation_3d_z`, degrees per frame; positive rotates content counter-clockwise. */
  rotation3dZDeg: number;
}

/** Per-pixel scene depth (world z), row-major, the image's size: what the depth model predicts. */
export interface DepthMap {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Depth floor (F, spec §24 item 11): at z = 0.01 a one-unit move already shifts content far off-screen. */
export const MIN_DEPTH = 0.01;

/** "matches Disco": translation in 1/200 of the normalised half-width. */
const TRANSLATION_SCALE = 1 / 200;

/** `translate_xyz = [−tx/200, ty/200, −tz/200]`. */
export function translateXyz(motion: Motion3d): Vec3 {
  return [
    -motion.translationX * TRANSLATION_SCALE,
    motion.translationY * TRANSLATION_SCALE,
    -motion.translationZ * TRANSLATION_SCALE,
  ];
}

/** `rotate_xyz`: the rotation schedules in radians. */
export function rotateXyzRadians(motion: Motion3d): Vec3 {
  const rad = Math.PI / 180;
  return [motion.rotation3dXDeg * rad, motion.rotation3dYDeg * rad, motion.rotation3dZDeg * rad];
}

/** The two full projection transforms of `transform_image_3d`: the still camera and the moved one. */
export function warp3dProjections(motion: Motion3d, camera: Camera3d): { old: Float64Array; new: Float64Array } {
  return {
    old: fullProjectionTransform(camera, identity(3), [0, 0, 0]),
    new: fullProjectionTransform(camera, eulerAnglesToMatrixXyz(rotateXyzRadians(motion)), translateXyz(motion)),
  };
}

/** Element i of `torch.linspace(-1, 1, n)`, as float64. */
function linspaceAt(i: number, n: number): number {
  return n === 1 ? -1 : -1 + (2 * i) / (n - 1);
}

/**
 * `offset_coords_2d`: the grid handed to `grid_sample`, (height, width, 2). `depth` null means no depth model
 * (z = 1 everywhere), as the loop does with `use_depth_warping` off.
 */
export function warp3dGrid(
  motion: Motion3d,
  camera: Camera3d,
  width: number,
  height: number,
  depth: DepthMap | null,
): SampleGrid {
  const data = new Float32Array(width * height * 2);
  warp3dGridRows(warp3dProjections(motion, camera), width, height, depth?.data ?? null, 0, height, data);
  return { width, height, data };
}

/** The grid kernel's setup per warp (a warp's rows are computed a few at a time, on several threads). */
const setups = new WeakMap<object, GridSetup>();

function setupFor(projections: { old: Float64Array; new: Float64Array }, width: number): GridSetup {
  const known = setups.get(projections);
  if (known?.width === width) return known;
  const { old: o, new: n } = projections;
  // Only the x, y and w columns matter: the projected z is discarded (which is why near/far have no effect).
  const column = (m: Float64Array, c: number) => [m[c] ?? 0, m[4 + c] ?? 0, m[8 + c] ?? 0, m[12 + c] ?? 0] as const;
  const setup: GridSetup = {
    forms: [column(o, 3), column(n, 3), column(n, 0), column(o, 0), column(n, 1), column(o, 1)],
    width,
    xs: Float64Array.from({ length: width }, (_, j) => linspaceAt(j, width)),
    baseXs: Float64Array.from({ length: width }, (_, j) => (2 * j + 1) / width - 1),
    minDepth: MIN_DEPTH,
  };
  setups.set(projections, setup);
  return setup;
}

/**
 * Rows [rowStart, rowEnd) of `warp3dGrid`, written to `out` from its start: the row-parallel warp computes each
 * chunk's grid into a small reused buffer (warp-3d.ts). Per pixel, with x and y the pixel's `linspace` values and
 * z its depth (at least MIN_DEPTH), the two cameras project (x, y, z, 1) and the grid is the identity grid less
 * the difference of the projected (x/w, y/w), all in float64 (warp-3d-grid-simd.ts).
 */
export function warp3dGridRows(
  projections: { old: Float64Array; new: Float64Array },
  width: number,
  height: number,
  depth: Float32Array | null,
  rowStart: number,
  rowEnd: number,
  out: Float32Array,
): void {
  const setup = setupFor(projections, width);
  for (let i = rowStart; i < rowEnd; i++) {
    const depthRow = depth === null ? null : depth.subarray(i * width, (i + 1) * width);
    gridRow(setup, linspaceAt(i, height), (2 * i + 1) / height - 1, depthRow, out, 2 * (i - rowStart) * width);
  }
}

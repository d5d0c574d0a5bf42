/**
 * The camera maths of Deforum's 3D warp: the parts of `src/py3d_tools.py` (a trimmed copy of PyTorch3D) that
 * `transform_image_3d` calls. Matrices are row-major Float64Array and act on ROW vectors, as PyTorch3D's do:
 * `p' = [x, y, z, 1] · M`, then x and y are divided by w.
 * Matches:
 * - `euler_angles_to_matrix(angles, "XYZ")` = Rx · Ry · Rz;
 * - `FoVPerspectiveCameras(near, far, aspect_ratio=1, fov, degrees=True)` and its `compute_projection_matrix`
 *   (z_sign = +1, z mapped to [0, 1]), transposed to the row-vector form `get_projection_transform` returns;
 * - `get_world_to_view_transform(R, T)` = `Rotate(R).compose(Translate(T))`;
 * - `get_full_projection_transform()` = world-to-view composed with the projection.
 * v0.7.1 fixed the aspect ratio to 1 (spec §5.2), so it is not a parameter here. The reference computes in
 * float32; we use float64 (the golden matrices agree within 1e-4, README "warp3d.json").
 */
import { multiplySquare } from './matrix.js';

/** The perspective camera of the 3D warp (`near_plane`, `far_plane`, `fov`). */
export interface Camera3d {
  nearPlane: number;
  farPlane: number;
  fovDeg: number;
}

export type Vec3 = readonly [number, number, number];

/** `euler_angles_to_matrix([rx, ry, rz], "XYZ")`: Rx · Ry · Rz, row-major 3×3, angles in radians. */
export function eulerAnglesToMatrixXyz(angles: Vec3): Float64Array {
  const [rx, ry, rz] = angles;
  const cx = Math.cos(rx);
  const sx = Math.sin(rx);
  const cy = Math.cos(ry);
  const sy = Math.sin(ry);
  const cz = Math.cos(rz);
  const sz = Math.sin(rz);
  const x = Float64Array.of(1, 0, 0, 0, cx, -sx, 0, sx, cx);
  const y = Float64Array.of(cy, 0, sy, 0, 1, 0, -sy, 0, cy);
  const z = Float64Array.of(cz, -sz, 0, sz, cz, 0, 0, 0, 1);
  return multiplySquare(multiplySquare(x, y, 3), z, 3);
}

/**
 * The projection of `FoVPerspectiveCameras` in row-vector form (Kᵀ): x and y scaled by 1/tan(fov/2), w = z,
 * z mapped so that near → 0 and far → 1 (only x/w and y/w are used by the warp, so near/far have no visible
 * effect, spec §10).
 */
export function perspectiveProjection(camera: Camera3d): Float64Array {
  const { nearPlane: near, farPlane: far } = camera;
  const maxY = Math.tan(((Math.PI / 180) * camera.fovDeg) / 2) * near;
  // PyTorch3D's `2·znear / (max_x − min_x)` with aspect ratio 1; written the same way so near = 0 gives NaN
  // there too instead of a silently different value.
  const scale = (2 * near) / (maxY - -maxY);
  const m = new Float64Array(16);
  m[0] = scale;
  m[5] = scale;
  m[10] = far / (far - near);
  m[11] = 1;
  m[14] = -(far * near) / (far - near);
  return m;
}

/** `Rotate(R).compose(Translate(T))`: a world point p goes to p · R + T. */
export function worldToView(rotation: Float64Array, translation: Vec3): Float64Array {
  const m = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) m[r * 4 + c] = rotation[r * 3 + c] ?? 0;
  }
  m[12] = translation[0];
  m[13] = translation[1];
  m[14] = translation[2];
  m[15] = 1;
  return m;
}

/** `get_full_projection_transform()` of a camera with rotation R and translation T (world → NDC, row vectors). */
export function fullProjectionTransform(camera: Camera3d, rotation: Float64Array, translation: Vec3): Float64Array {
  return multiplySquare(worldToView(rotation, translation), perspectiveProjection(camera), 4);
}

/**
 * The perspective-flip homography of Deforum's 2D mode (`warpMatrix` in helpers/animation.py, spec §5.1.1):
 * the image plane is rotated in a virtual camera, its four projected corners are rounded to float32 (as the
 * notebook does before `cv2.getPerspectiveTransform`), and the homography between original and projected corners
 * is solved like OpenCV does (8×8 system, LU with partial pivoting).
 * Kept on purpose (spec §24 item 9, B): the projection's P[3][3] stays 1, which shrinks the image by h/(h+1).
 */
import { identity, multiplySquare } from './matrix.js';

export interface PerspectiveFlip {
  /** Rotation in the image plane, degrees. */
  thetaDeg: number;
  /** Tilt about the horizontal axis, degrees. */
  phiDeg: number;
  /** Tilt about the vertical axis, degrees. */
  gammaDeg: number;
  /** Field of view of the virtual camera, degrees, strictly between 0 and 180. */
  fovDeg: number;
}

export interface PerspectiveFlipMatrix {
  /** Row-major 3×3 homography from image corners to projected corners. */
  matrix: Float64Array;
  /** Side of the square the projection is drawn into (`sideLength`, also sets the post-translation). */
  sideLength: number;
}

const DEG = Math.PI / 180;

function rotationXyz(phi: number, gamma: number, theta: number): Float64Array {
  const rx = identity(4);
  rx[5] = Math.cos(phi);
  rx[10] = rx[5];
  rx[6] = -Math.sin(phi);
  rx[9] = Math.sin(phi);
  const ry = identity(4);
  ry[0] = Math.cos(gamma);
  ry[10] = ry[0];
  ry[2] = Math.sin(gamma);
  ry[8] = -Math.sin(gamma);
  const rz = identity(4);
  rz[0] = Math.cos(theta);
  rz[5] = rz[0];
  rz[1] = -Math.sin(theta);
  rz[4] = Math.sin(theta);
  return multiplySquare(multiplySquare(rx, ry, 4), rz, 4);
}

/** Solves A·x = b in place the way OpenCV's `hal::LU64f` does; A is n×n row-major. */
function solveLu(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    let pivot = i;
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(a[j * n + i] ?? 0) > Math.abs(a[pivot * n + i] ?? 0)) pivot = j;
    }
    if (Math.abs(a[pivot * n + i] ?? 0) < Number.EPSILON * 100) {
      throw new RangeError('The perspective flip corners are degenerate (fv too close to 0 or 180?).');
    }
    if (pivot !== i) {
      for (let j = i; j < n; j++) {
        const t = a[i * n + j] ?? 0;
        a[i * n + j] = a[pivot * n + j] ?? 0;
        a[pivot * n + j] = t;
      }
      const t = b[i] ?? 0;
      b[i] = b[pivot] ?? 0;
      b[pivot] = t;
    }
    const d = -1 / (a[i * n + i] ?? 1);
    for (let j = i + 1; j < n; j++) {
      const alpha = (a[j * n + i] ?? 0) * d;
      for (let k = i + 1; k < n; k++) a[j * n + k] = (a[j * n + k] ?? 0) + alpha * (a[i * n + k] ?? 0);
      b[j] = (b[j] ?? 0) + alpha * (b[i] ?? 0);
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] ?? 0;
    for (let k = i + 1; k < n; k++) s -= (a[i * n + k] ?? 0) * (b[k] ?? 0);
    b[i] = s / (a[i * n + i] ?? 1);
  }
  return b;
}

/** `cv2.getPerspectiveTransform` for four point pairs given as [x0, y0, x1, y1, …]. */
function perspectiveTransformFrom(src: Float32Array, dst: Float32Array): Float64Array {
  const a = new Float64Array(64);
  const b = new Float64Array(8);
  for (let i = 0; i < 4; i++) {
    const sx = src[i * 2] ?? 0;
    const sy = src[i * 2 + 1] ?? 0;
    const dx = dst[i * 2] ?? 0;
    const dy = dst[i * 2 + 1] ?? 0;
    // OpenCV multiplies the Point2f coordinates in float before storing them in the double system.
    const f = Math.fround;
    a.set([sx, sy, 1, 0, 0, 0, f(-sx * dx), f(-sy * dx)], i * 8);
    a.set([0, 0, 0, sx, sy, 1, f(-sx * dy), f(-sy * dy)], (i + 4) * 8);
    b[i] = dx;
    b[i + 4] = dy;
  }
  const x = solveLu(a, b, 8);
  return Float64Array.of(...x, 1);
}

/** `warpMatrix(W, H, theta, phi, gamma, 1., fv)` of the notebook. */
export function perspectiveFlipMatrix(flip: PerspectiveFlip, width: number, height: number): PerspectiveFlipMatrix {
  const fovHalf = (flip.fovDeg / 2) * DEG;
  const d = Math.sqrt(width * width + height * height);
  const sideLength = d / Math.cos(fovHalf);
  const h = d / (2 * Math.sin(fovHalf));
  const near = h - d / 2;
  const far = h + d / 2;
  const toPlane = identity(4);
  toPlane[11] = -h;
  const rotation = rotationXyz(flip.phiDeg * DEG, flip.gammaDeg * DEG, flip.thetaDeg * DEG);
  const projection = identity(4);
  projection[0] = 1 / Math.tan(fovHalf);
  projection[5] = projection[0];
  projection[10] = -(far + near) / (far - near);
  projection[11] = -(2 * far * near) / (far - near);
  projection[14] = -1;
  const f = multiplySquare(multiplySquare(projection, toPlane, 4), rotation, 4);

  const corners = [-width / 2, height / 2, width / 2, height / 2, width / 2, -height / 2, -width / 2, -height / 2];
  const src = new Float32Array(8);
  const dst = new Float32Array(8);
  for (let i = 0; i < 4; i++) {
    const x = corners[i * 2] ?? 0;
    const y = corners[i * 2 + 1] ?? 0;
    // cv2.perspectiveTransform with z = 0: the third column of F drops out.
    const w = 1 / (x * (f[12] ?? 0) + y * (f[13] ?? 0) + (f[15] ?? 0));
    const px = (x * (f[0] ?? 0) + y * (f[1] ?? 0) + (f[3] ?? 0)) * w;
    const py = (x * (f[4] ?? 0) + y * (f[5] ?? 0) + (f[7] ?? 0)) * w;
    src[i * 2] = x + width / 2;
    src[i * 2 + 1] = y + height / 2;
    dst[i * 2] = (px + 1) * (0.5 * sideLength);
    dst[i * 2 + 1] = (py + 1) * (0.5 * sideLength);
  }
  return { matrix: perspectiveTransformFrom(src, dst), sideLength };
}

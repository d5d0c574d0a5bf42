/**
 * Deforum's 2D motion for one frame (`anim_frame_warp_2d` in helpers/animation.py, spec §5.1): rotation and zoom
 * about the integer centre `(W//2, H//2)` via `cv2.getRotationMatrix2D`, a translation applied first, optionally
 * the perspective flip, then `cv2.warpPerspective` with bilinear sampling and the `border` mode.
 * Reproduced on purpose:
 * - translation_x/y are cast to float32 (the notebook builds the matrix with `np.float32`), and so is the
 *   flip's post-translation;
 * - with `flip_2d_perspective` on, translation is ignored (spec §24 item 8, kept as B): the notebook passes the
 *   translation matrix as the `out=` argument of `np.matmul`, so `xform = bM · rot`. Callers should warn the
 *   user when a translation schedule is non-zero while the flip is on.
 */
import { multiplySquare } from './matrix.js';
import { perspectiveFlipMatrix } from './perspective-flip.js';
import type { PixelFormat, RawImage } from './raw-image.js';
import { warpPerspective, type BorderMode } from './warp-perspective.js';

/** The per-frame 2D motion values (schedule values at frame f; Deforum names in the comments). */
export interface Motion2d {
  /** `angle`: degrees, counter-clockwise on screen. */
  angleDeg: number;
  /** `zoom`: 1 = none, > 1 zooms in. */
  zoom: number;
  /** `translation_x`: pixels per frame, positive moves content right. */
  translationX: number;
  /** `translation_y`: pixels per frame, positive moves content down. */
  translationY: number;
  /** `perspective_flip_theta`, degrees (used only with the flip on). */
  perspectiveFlipThetaDeg: number;
  /** `perspective_flip_phi`, degrees. */
  perspectiveFlipPhiDeg: number;
  /** `perspective_flip_gamma`, degrees. */
  perspectiveFlipGammaDeg: number;
  /** `perspective_flip_fv`, degrees. */
  perspectiveFlipFovDeg: number;
}

export interface Warp2dMatrixParams extends Motion2d {
  /** `flip_2d_perspective`. */
  flip2dPerspective: boolean;
}

export interface Warp2dParams extends Warp2dMatrixParams {
  /** `border`. */
  border: BorderMode;
}

const DEG = Math.PI / 180;

/** `cv2.getRotationMatrix2D(center, angle, scale)` extended to 3×3. */
function rotationAbout(cx: number, cy: number, angleDeg: number, scale: number): Float64Array {
  const angle = angleDeg * DEG;
  const alpha = Math.cos(angle) * scale;
  const beta = Math.sin(angle) * scale;
  return Float64Array.of(
    alpha,
    beta,
    (1 - alpha) * cx - beta * cy,
    -beta,
    alpha,
    beta * cx + (1 - alpha) * cy,
    0,
    0,
    1,
  );
}

function translation(tx: number, ty: number): Float64Array {
  return Float64Array.of(1, 0, Math.fround(tx), 0, 1, Math.fround(ty), 0, 0, 1);
}

/** The forward 3×3 matrix (`xform`) the notebook passes to `cv2.warpPerspective`, row-major. */
export function warp2dMatrix(params: Warp2dMatrixParams, width: number, height: number): Float64Array {
  const rotation = rotationAbout(Math.floor(width / 2), Math.floor(height / 2), params.angleDeg, params.zoom);
  if (!params.flip2dPerspective) {
    return multiplySquare(rotation, translation(params.translationX, params.translationY), 3);
  }
  const flip = perspectiveFlipMatrix(
    {
      thetaDeg: params.perspectiveFlipThetaDeg,
      phiDeg: params.perspectiveFlipPhiDeg,
      gammaDeg: params.perspectiveFlipGammaDeg,
      fovDeg: params.perspectiveFlipFovDeg,
    },
    width,
    height,
  );
  const post = translation((width - flip.sideLength) / 2, (height - flip.sideLength) / 2);
  return multiplySquare(multiplySquare(flip.matrix, post, 3), rotation, 3);
}

/** Applies one frame of 2D motion to the previous frame; the output has the input's size and format. */
export function warp2d<F extends PixelFormat>(image: RawImage<F>, params: Warp2dParams): RawImage<F> {
  return warpPerspective(image, warp2dMatrix(params, image.width, image.height), params.border);
}

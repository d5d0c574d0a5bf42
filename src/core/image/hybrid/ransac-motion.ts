/**
 * Hybrid motion "Perspective" and "Affine" (spec §12.1): Deforum's `get_matrix_for_hybrid_motion`,
 * `get_transformation_matrix_from_images` and `image_transform_ransac` (helpers/hybrid_video.py).
 * Both frames go to grey; up to 200 Shi–Tomasi corners (quality 0.01, min distance 30, block 3) on the first;
 * pyramidal Lucas–Kanade (21×21, 3 levels) into the second; tracked points only; fewer than 8 corners or tracked
 * points give the identity. Perspective: `findHomography(RANSAC, 5.0)`; Affine: `estimateAffinePartial2D` (our
 * port, opencv.js lacks it). The matrix then warps the previous image with bilinear sampling and the `border` mode.
 * - Grey: the original reads the video frames with `cv2.imread` (BGR) and converts with BGR2GRAY, i.e. true luma;
 *   our frames are RGB, so RGB2GRAY gives the same values. The previous image of `hybrid_motion_use_prev_img` gets
 *   the same true luma, so both frames of a pair are converted alike.
 * - Affine matrices are returned as 3×3 (last row 0 0 1); the warp applies the top two rows with `warpAffine`.
 * - Where OpenCV returns no matrix (degenerate points), the original would crash in the warp; we use the identity.
 * Fixed (spec §24 item 29, F, docs/deviations.md): the caller pairs video frames f−1 → f for every motion, and the
 * previous-image variant really estimates (the original's dtype guard always returned the identity).
 */
import { loadOpenCv, withMats } from '../opencv.js';
import { rawImageFrom, type RawImage } from '../raw-image.js';
import { warpPerspective, type BorderMode } from '../warp-perspective.js';
import { estimateAffinePartial2D } from './affine-partial-2d.js';

export type HybridMatrixMotion = 'Perspective' | 'Affine';

const MAX_CORNERS = 200;
const QUALITY_LEVEL = 0.01;
const MIN_DISTANCE = 30;
const BLOCK_SIZE = 3;
const MIN_POINTS = 8;
const LK_WINDOW = 21;
const LK_MAX_LEVEL = 3;
const LK_MAX_COUNT = 30;
const LK_EPSILON = 0.01;
const LK_MIN_EIG_THRESHOLD = 1e-4;
const HOMOGRAPHY_THRESHOLD_PX = 5.0;

const IDENTITY = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);

/** Tracked point pairs (interleaved x, y, float32 as OpenCV holds them). */
interface Tracks {
  from: Float32Array;
  to: Float32Array;
}

function requireSameSize(a: RawImage<'u8'>, b: RawImage<'u8'>): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== 3 || b.channels !== 3) {
    throw new RangeError(
      `Hybrid motion needs two RGB frames of one size (W×H), got ${a.width}×${a.height}×${a.channels} and ` +
        `${b.width}×${b.height}×${b.channels}; read video frames with readExtractedFrame(…, { filter: 'bilinear' }).`,
    );
  }
}

async function trackFeatures(from: RawImage<'u8'>, to: RawImage<'u8'>): Promise<Tracks | null> {
  const { cv } = await loadOpenCv();
  return withMats((track) => {
    const grey = (image: RawImage<'u8'>): InstanceType<typeof cv.Mat> => {
      const rgb = track(new cv.Mat(image.height, image.width, cv.CV_8UC3));
      rgb.data.set(image.data);
      const out = track(new cv.Mat());
      cv.cvtColor(rgb, out, cv.COLOR_RGB2GRAY);
      return out;
    };
    const grey0 = grey(from);
    const grey1 = grey(to);
    const corners = track(new cv.Mat());
    cv.goodFeaturesToTrack(
      grey0,
      corners,
      MAX_CORNERS,
      QUALITY_LEVEL,
      MIN_DISTANCE,
      track(new cv.Mat()),
      BLOCK_SIZE,
      false,
      0.04,
    );
    if (corners.rows < MIN_POINTS) return null;
    const next = track(new cv.Mat());
    const status = track(new cv.Mat());
    const error = track(new cv.Mat());
    const criteria = new cv.TermCriteria(cv.TermCriteria_COUNT + cv.TermCriteria_EPS, LK_MAX_COUNT, LK_EPSILON);
    const window = new cv.Size(LK_WINDOW, LK_WINDOW);
    cv.calcOpticalFlowPyrLK(
      grey0,
      grey1,
      corners,
      next,
      status,
      error,
      window,
      LK_MAX_LEVEL,
      criteria,
      0,
      LK_MIN_EIG_THRESHOLD,
    );
    const kept: number[] = [];
    for (let i = 0; i < corners.rows; i++) if (status.data[i] === 1) kept.push(i);
    if (kept.length < MIN_POINTS) return null;
    const pick = (points: Float32Array): Float32Array =>
      Float32Array.from(kept.flatMap((i) => [points[2 * i] ?? 0, points[2 * i + 1] ?? 0]));
    return { from: pick(corners.data32F), to: pick(next.data32F) };
  });
}

async function homography(tracks: Tracks): Promise<Float64Array | null> {
  const { cv } = await loadOpenCv();
  return withMats((track) => {
    const count = tracks.from.length / 2;
    const src = track(cv.matFromArray(count, 1, cv.CV_32FC2, Array.from(tracks.from)));
    const dst = track(cv.matFromArray(count, 1, cv.CV_32FC2, Array.from(tracks.to)));
    const matrix = track(cv.findHomography(src, dst, cv.RANSAC, HOMOGRAPHY_THRESHOLD_PX));
    return matrix.rows === 3 && matrix.cols === 3 ? Float64Array.from(matrix.data64F) : null;
  });
}

/**
 * The motion matrix from `from` to `to` (same-size RGB frames), row-major 3×3 (Affine with last row 0 0 1), as
 * `get_transformation_matrix_from_images` estimates it; the identity when too few features are found or tracked.
 */
export async function estimateHybridMotionMatrix(
  from: RawImage<'u8'>,
  to: RawImage<'u8'>,
  motion: HybridMatrixMotion,
): Promise<Float64Array> {
  requireSameSize(from, to);
  const tracks = await trackFeatures(from, to);
  if (tracks === null) return Float64Array.from(IDENTITY);
  if (motion === 'Perspective') return (await homography(tracks)) ?? Float64Array.from(IDENTITY);
  const affine = estimateAffinePartial2D(tracks.from, tracks.to);
  return affine === null ? Float64Array.from(IDENTITY) : Float64Array.of(...affine.matrix, 0, 0, 1);
}

/**
 * `image_transform_ransac`: warps an 8-bit image by the 3×3 motion matrix, bilinear, output the input's size.
 * Perspective uses our OpenCV 4.6 `warpPerspective` port; Affine uses opencv.js's `warpAffine` on the top two rows,
 * which gave the golden `cv2.warpAffine` output bit for bit (the perspective path would move edges by 1/32 px).
 */
export async function applyHybridMotionMatrix(
  image: RawImage<'u8'>,
  matrix: Float64Array,
  motion: HybridMatrixMotion,
  border: BorderMode,
): Promise<RawImage<'u8'>> {
  if (matrix.length !== 9) throw new RangeError(`A hybrid motion matrix is 3×3, got ${matrix.length} entries.`);
  if (motion === 'Perspective') return warpPerspective(image, matrix, border);
  const { cv } = await loadOpenCv();
  const types = { 1: cv.CV_8UC1, 3: cv.CV_8UC3, 4: cv.CV_8UC4 } as const;
  const { width, height, channels } = image;
  return withMats((track) => {
    const src = track(new cv.Mat(height, width, types[channels]));
    src.data.set(image.data);
    const affine = track(cv.matFromArray(2, 3, cv.CV_64F, Array.from(matrix.subarray(0, 6))));
    const dst = track(new cv.Mat());
    const borderType = border === 'wrap' ? cv.BORDER_WRAP : cv.BORDER_REPLICATE;
    cv.warpAffine(src, dst, affine, new cv.Size(width, height), cv.INTER_LINEAR, borderType, new cv.Scalar());
    return rawImageFrom('u8', width, height, channels, Uint8Array.from(dst.data));
  });
}

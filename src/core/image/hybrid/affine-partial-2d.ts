/**
 * `cv2.estimateAffinePartial2D(from, to)` with its defaults (RANSAC, threshold 3 px, confidence 0.99, 2000
 * iterations, 10 refinement iterations), which opencv.js does not export. A port of OpenCV's
 * `RANSACPointSetRegistrator` (calib3d/ptsetreg.cpp): the same `cv::RNG` seeded with 2^64 − 1, 2-point samples,
 * the analytic 2-point similarity, float32 squared residuals against the squared threshold, and the adaptive
 * iteration count; so the same inliers are chosen. OpenCV then refines on the inliers with Levenberg–Marquardt;
 * the model is linear in (a, b, tx, ty), so LM lands on the least-squares solution after its second step
 * (λ drops to 0, then one Gauss–Newton step is exact), which we compute directly in double.
 */

/** Row-major 2×3 `[a, −b, tx, b, a, ty]` (rotation + uniform scale + translation) and the RANSAC inlier mask. */
export interface AffinePartialResult {
  matrix: Float64Array;
  inliers: Uint8Array;
}

const MODEL_POINTS = 2;
const THRESHOLD_PX = 3;
const CONFIDENCE = 0.99;
const MAX_ITERS = 2000;
const MAX_SUBSET_ATTEMPTS = 10000;

/** `cv::RNG`: multiply-with-carry on 64 bits, `state = (uint32)state · 4164903690 + (state >> 32)`. */
function createCvRng(): (count: number) => number {
  let state = 0xffffffffffffffffn;
  const mask32 = 0xffffffffn;
  return (count) => {
    state = ((state & mask32) * 4164903690n + (state >> 32n)) & 0xffffffffffffffffn;
    return Number((state & mask32) % BigInt(count));
  };
}

function similarityFromPair(from: Float32Array, to: Float32Array, i: number, j: number): Float64Array {
  const x1 = from[2 * i] ?? 0;
  const y1 = from[2 * i + 1] ?? 0;
  const x2 = from[2 * j] ?? 0;
  const y2 = from[2 * j + 1] ?? 0;
  const X1 = to[2 * i] ?? 0;
  const Y1 = to[2 * i + 1] ?? 0;
  const X2 = to[2 * j] ?? 0;
  const Y2 = to[2 * j + 1] ?? 0;
  const d = 1 / ((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2));
  const s0 = d * ((X1 - X2) * (x1 - x2) + (Y1 - Y2) * (y1 - y2));
  const s1 = d * ((Y1 - Y2) * (x1 - x2) - (X1 - X2) * (y1 - y2));
  const s2 = d * ((Y1 - Y2) * (x1 * y2 - x2 * y1) - (X1 * y2 - X2 * y1) * (y1 - y2) - (X1 * x2 - X2 * x1) * (x1 - x2));
  const s3 = d * (-(X1 - X2) * (x1 * y2 - x2 * y1) - (Y1 * x2 - Y2 * x1) * (x1 - x2) - (Y1 * y2 - Y2 * y1) * (y1 - y2));
  return Float64Array.of(s0, -s1, s2, s1, s0, s3);
}

/** Inlier mask and count: residuals in float32 as `Affine2DEstimatorCallback::computeError` computes them. */
function findInliers(model: Float64Array, from: Float32Array, to: Float32Array, mask: Uint8Array): number {
  const f = Math.fround;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = Array.from(model, f);
  const limit = f(THRESHOLD_PX * THRESHOLD_PX);
  let good = 0;
  for (let i = 0; i < mask.length; i++) {
    const x = from[2 * i] ?? 0;
    const y = from[2 * i + 1] ?? 0;
    const a = f(f(f(f(m0 * x) + f(m1 * y)) + m2) - (to[2 * i] ?? 0));
    const b = f(f(f(f(m3 * x) + f(m4 * y)) + m5) - (to[2 * i + 1] ?? 0));
    const inlier = f(f(a * a) + f(b * b)) <= limit;
    mask[i] = inlier ? 1 : 0;
    if (inlier) good++;
  }
  return good;
}

/** `RANSACUpdateNumIters`. */
function updateIterations(outlierRatio: number, current: number): number {
  const num = Math.log(Math.max(1 - CONFIDENCE, Number.MIN_VALUE));
  const denomBase = 1 - (1 - Math.min(Math.max(outlierRatio, 0), 1)) ** MODEL_POINTS;
  if (denomBase < Number.MIN_VALUE) return 0;
  const denom = Math.log(denomBase);
  return denom >= 0 || -num >= current * -denom ? current : Math.round(num / denom);
}

/** Least-squares similarity on the inliers: the fixed point of OpenCV's `AffinePartial2DRefineCallback` LM. */
function refine(from: Float32Array, to: Float32Array, mask: Uint8Array): Float64Array {
  // Normal equations for residuals (a·x − b·y + tx − X, b·x + a·y + ty − Y), unknowns (a, b, tx, ty).
  let sxx = 0;
  let sx = 0;
  let sy = 0;
  let sX = 0;
  let sY = 0;
  let sxX = 0;
  let sxY = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== 1) continue;
    const x = from[2 * i] ?? 0;
    const y = from[2 * i + 1] ?? 0;
    const X = to[2 * i] ?? 0;
    const Y = to[2 * i + 1] ?? 0;
    sxx += x * x + y * y;
    sx += x;
    sy += y;
    sX += X;
    sY += Y;
    sxX += x * X + y * Y;
    sxY += x * Y - y * X;
    n++;
  }
  const det = n * sxx - sx * sx - sy * sy;
  const a = (n * sxX - sx * sX - sy * sY) / det;
  const b = (n * sxY - sx * sY + sy * sX) / det;
  const tx = (sX - a * sx + b * sy) / n;
  const ty = (sY - b * sx - a * sy) / n;
  return Float64Array.of(a, -b, tx, b, a, ty);
}

/**
 * Estimates the similarity mapping `from` to `to` (interleaved x, y float32 pairs); null where OpenCV returns an
 * empty matrix (fewer than 2 points, or no 2-point sample that RANSAC accepts).
 */
export function estimateAffinePartial2D(from: Float32Array, to: Float32Array): AffinePartialResult | null {
  const count = from.length / 2;
  if (count < MODEL_POINTS || to.length !== from.length) return null;
  const uniform = createCvRng();
  const mask = new Uint8Array(count);
  let bestMask = new Uint8Array(count);
  let best: Float64Array | null = null;
  let maxGood = 0;
  let iterations = MAX_ITERS;
  for (let iter = 0; iter < iterations; iter++) {
    let pair: [number, number];
    if (count === MODEL_POINTS) {
      pair = [0, 1];
    } else {
      const i = uniform(count);
      let j = uniform(count);
      let attempts = 0;
      while (j === i && attempts++ < MAX_SUBSET_ATTEMPTS) j = uniform(count);
      if (j === i) break;
      pair = [i, j];
    }
    const model = similarityFromPair(from, to, pair[0], pair[1]);
    if (!model.every(Number.isFinite)) continue;
    const good = findInliers(model, from, to, mask);
    if (good > Math.max(maxGood, MODEL_POINTS - 1)) {
      bestMask = Uint8Array.from(mask);
      best = model;
      maxGood = good;
      iterations = updateIterations((count - good) / count, iterations);
    }
    if (count === MODEL_POINTS) break;
  }
  if (best === null) return null;
  return { matrix: count > MODEL_POINTS ? refine(from, to, bestMask) : best, inliers: bestMask };
}

/**
 * The two per-level steps of DIS optical flow (Kroeger et al. 2016) as OpenCV's `DISOpticalFlowImpl` runs them
 * on the CPU (video/src/dis_flow.cpp): the inverse search, which moves a sparse grid of patches of I0 by
 * Gauss–Newton steps until they match I1, and the densification, which turns that sparse flow into one vector
 * per pixel. Restated from the C++ with the same candidate order, stripes, clamps and stopping rules; the sums
 * run in double where OpenCV's SIMD runs float32 lanes, so results agree to rounding, not bit for bit.
 */

/** One pyramid level of the two frames, as the search reads them. */
export interface DisLevel {
  readonly width: number;
  readonly height: number;
  /** I0 at this level, 8-bit gray. */
  readonly i0: Uint8Array;
  /** I1 at this level, 8-bit gray. */
  readonly i1: Uint8Array;
  /** I1 padded by `DIS_BORDER` pixels on every side, border replicated (`copyMakeBorder(BORDER_REPLICATE)`). */
  readonly i1Ext: Uint8Array;
  /** `spatialGradient(I0)`: 3×3 Sobel x and y, int16. */
  readonly i0x: Int16Array;
  readonly i0y: Int16Array;
}

export interface DisSearchParams {
  readonly patchSize: number;
  readonly patchStride: number;
  readonly gradientDescentIterations: number;
  readonly useMeanNormalization: boolean;
  readonly useSpatialPropagation: boolean;
}

/** `border_size` of DISOpticalFlowImpl. */
export const DIS_BORDER = 16;
const EPS = 0.001;
const INF = 1e10;
/** OpenCV fixes the stripe count at 8 when spatial propagation is on, so that results do not depend on threads. */
const PROPAGATION_STRIPES = 8;

/** The sparse grid: `cols × rows` patches, one flow vector each. */
export interface SparseFlow {
  readonly cols: number;
  readonly rows: number;
  readonly sx: Float32Array;
  readonly sy: Float32Array;
}

export function sparseGridSize(width: number, height: number, p: DisSearchParams): { cols: number; rows: number } {
  return {
    cols: 1 + Math.trunc((width - p.patchSize) / p.patchStride),
    rows: 1 + Math.trunc((height - p.patchSize) / p.patchStride),
  };
}

/** Per patch: sums of Ix², Iy², Ix·Iy (the structure tensor) and of Ix, Iy (for mean normalisation). */
interface StructureTensor {
  readonly xx: Float64Array;
  readonly yy: Float64Array;
  readonly xy: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

function structureTensor(level: DisLevel, cols: number, rows: number, p: DisSearchParams): StructureTensor {
  const n = cols * rows;
  const t = {
    xx: new Float64Array(n),
    yy: new Float64Array(n),
    xy: new Float64Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
  };
  const { width, i0x, i0y } = level;
  for (let is = 0; is < rows; is++) {
    for (let js = 0; js < cols; js++) {
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      let sx = 0;
      let sy = 0;
      for (let r = 0; r < p.patchSize; r++) {
        let o = (is * p.patchStride + r) * width + js * p.patchStride;
        for (let c = 0; c < p.patchSize; c++, o++) {
          const gx = i0x[o] ?? 0;
          const gy = i0y[o] ?? 0;
          sxx += gx * gx;
          syy += gy * gy;
          sxy += gx * gy;
          sx += gx;
          sy += gy;
        }
      }
      const k = is * cols + js;
      t.xx[k] = sxx;
      t.yy[k] = syy;
      t.xy[k] = sxy;
      t.x[k] = sx;
      t.y[k] = sy;
    }
  }
  return t;
}

/**
 * Matches one patch of I0 (top-left `i0Offset`) against I1 at a sub-pixel position, with bilinear weights as
 * `INIT_BILINEAR_WEIGHTS` computes them. Returns the (mean-normalised) SSD; with `grad` it also writes the
 * gradient sums (dUx, dUy) of `processPatch`/`processPatchMeanNorm` into `grad[0..1]`.
 */
class PatchMatcher {
  private readonly lo: number;
  private readonly hiI: number;
  private readonly hiJ: number;
  private readonly extWidth: number;
  private readonly n: number;

  constructor(
    private readonly level: DisLevel,
    private readonly p: DisSearchParams,
  ) {
    this.lo = DIS_BORDER - p.patchSize + 1;
    this.hiI = DIS_BORDER + level.height - 1;
    this.hiJ = DIS_BORDER + level.width - 1;
    this.extWidth = level.width + 2 * DIS_BORDER;
    this.n = p.patchSize * p.patchSize;
  }

  match(i: number, j: number, ux: number, uy: number, grad?: Float64Array, xSum = 0, ySum = 0): number {
    const f = Math.fround;
    // Float32 position, as the C++ computes it: it decides the integer patch origin and the weights.
    const iI1 = Math.min(Math.max(f(f(i + uy) + DIS_BORDER), this.lo), this.hiI);
    const jI1 = Math.min(Math.max(f(f(j + ux) + DIS_BORDER), this.lo), this.hiJ);
    const fi = Math.floor(iI1);
    const fj = Math.floor(jI1);
    const ay = iI1 - fi;
    const ax = jI1 - fj;
    const w11 = ay * ax;
    const w10 = ay * (1 - ax);
    const w01 = (1 - ay) * ax;
    const w00 = (1 - ay) * (1 - ax);
    const { i0, i1Ext, i0x, i0y, width } = this.level;
    const ew = this.extWidth;
    const psz = this.p.patchSize;
    let sumDiff = 0;
    let sumSq = 0;
    let sumX = 0;
    let sumY = 0;
    for (let r = 0; r < psz; r++) {
      let o0 = (i + r) * width + j;
      let o1 = (fi + r) * ew + fj;
      for (let c = 0; c < psz; c++, o0++, o1++) {
        const diff =
          w00 * (i1Ext[o1] ?? 0) +
          w01 * (i1Ext[o1 + 1] ?? 0) +
          w10 * (i1Ext[o1 + ew] ?? 0) +
          w11 * (i1Ext[o1 + ew + 1] ?? 0) -
          (i0[o0] ?? 0);
        sumDiff += diff;
        sumSq += diff * diff;
        if (grad) {
          sumX += diff * (i0x[o0] ?? 0);
          sumY += diff * (i0y[o0] ?? 0);
        }
      }
    }
    if (!this.p.useMeanNormalization) {
      if (grad) {
        grad[0] = sumX;
        grad[1] = sumY;
      }
      return sumSq;
    }
    if (grad) {
      grad[0] = sumX - (sumDiff * xSum) / this.n;
      grad[1] = sumY - (sumDiff * ySum) / this.n;
    }
    return sumSq - (sumDiff * sumDiff) / this.n;
  }
}

/**
 * `PatchInverseSearch_ParBody`: initialises each patch from the dense flow `ux, uy` of this level (at the
 * patch centre), tries its already-visited neighbours as candidates (spatial propagation: a forward pass, then
 * a backward pass, within each of 8 horizontal stripes), then runs gradient descent from the best candidate.
 */
export function inverseSearch(
  level: DisLevel,
  ux: Float32Array,
  uy: Float32Array,
  p: DisSearchParams,
  sparse: SparseFlow,
): void {
  const { cols, rows, sx, sy } = sparse;
  const { width } = level;
  const tensor = structureTensor(level, cols, rows, p);
  const matcher = new PatchMatcher(level, p);
  const grad = new Float64Array(2);
  const half = p.patchSize >> 1;
  const stride = p.patchStride;
  const passes = p.useSpatialPropagation ? 2 : 1;
  // Without propagation the patches are independent, so one stripe gives what any thread count gives.
  const stripes = p.useSpatialPropagation ? PROPAGATION_STRIPES : 1;
  const stripeRows = Math.ceil(rows / stripes);
  const innerIterations = Math.floor(p.gradientDescentIterations / passes);
  const f = Math.fround;

  for (let stripe = 0; stripe < stripes; stripe++) {
    const first = Math.min(stripe * stripeRows, rows);
    const end = Math.min((stripe + 1) * stripeRows, rows);
    for (let pass = 0; pass < passes; pass++) {
      const dir = pass % 2 === 0 ? 1 : -1;
      const startIs = dir === 1 ? first : end - 1;
      const endIs = dir === 1 ? end : first - 1;
      const startJs = dir === 1 ? 0 : cols - 1;
      const endJs = dir === 1 ? cols : -1;
      for (let is = startIs; dir * is < dir * endIs; is += dir) {
        const i = is * stride;
        for (let js = startJs; dir * js < dir * endJs; js += dir) {
          const j = js * stride;
          const k = is * cols + js;
          if (pass === 0) {
            sx[k] = ux[(i + half) * width + j + half] ?? 0;
            sy[k] = uy[(i + half) * width + j + half] ?? 0;
          }
          if (p.useSpatialPropagation) {
            let best = matcher.match(i, j, sx[k] ?? 0, sy[k] ?? 0);
            for (const n of [js !== startJs ? k - dir : -1, is !== startIs ? k - dir * cols : -1]) {
              if (n < 0) continue;
              const cost = matcher.match(i, j, sx[n] ?? 0, sy[n] ?? 0);
              if (cost < best) {
                best = cost;
                sx[k] = sx[n] ?? 0;
                sy[k] = sy[n] ?? 0;
              }
            }
          }
          const startUx = sx[k] ?? 0;
          const startUy = sy[k] ?? 0;
          const hxx = tensor.xx[k] ?? 0;
          const hyy = tensor.yy[k] ?? 0;
          const hxy = tensor.xy[k] ?? 0;
          let det = f(f(hxx * hyy) - f(hxy * hxy));
          if (Math.abs(det) < EPS) det = EPS;
          const inv11 = f(hyy / det);
          const inv12 = f(-hxy / det);
          const inv22 = f(hxx / det);
          let curUx = startUx;
          let curUy = startUy;
          let previous = INF;
          for (let t = 0; t < innerIterations; t++) {
            const cost = matcher.match(i, j, curUx, curUy, grad, tensor.x[k] ?? 0, tensor.y[k] ?? 0);
            const gx = grad[0] ?? 0;
            const gy = grad[1] ?? 0;
            // The step is taken before the test, as in the C++: the last step may make the match worse.
            curUx = f(curUx - (inv11 * gx + inv12 * gy));
            curUy = f(curUy - (inv12 * gx + inv22 * gy));
            if (cost >= previous) break;
            previous = cost;
          }
          // A descent that wandered further than one patch from its start is distrusted (OpenCV's robustness rule).
          if (Math.hypot(curUx - startUx, curUy - startUy) <= p.patchSize) {
            sx[k] = curUx;
            sy[k] = curUy;
          }
        }
      }
    }
  }
}

/**
 * For each coordinate 0..length−1, the first and last patch index whose window covers it, updated the way
 * `UPDATE_SPARSE_I/J_COORDINATES` does: past the last patch, the last patch keeps covering.
 */
function coveringRanges(length: number, patchSize: number, stride: number): Int32Array {
  const ranges = new Int32Array(length * 2);
  let start = 0;
  let end = -1;
  for (let v = 0; v < length; v++) {
    if (v % stride === 0 && v + patchSize <= length) end++;
    if (v - patchSize >= 0 && (v - patchSize) % stride === 0 && start < end) start++;
    ranges[2 * v] = start;
    ranges[2 * v + 1] = end;
  }
  return ranges;
}

/**
 * `Densification_ParBody`: each pixel's flow is the average of the vectors of the patches covering it, each
 * weighted by 1 / max(1, |I1(x + u) − I0(x)|) so that patches that explain the pixel well count more.
 */
export function densify(
  level: DisLevel,
  sparse: SparseFlow,
  p: DisSearchParams,
  ux: Float32Array,
  uy: Float32Array,
): void {
  const { width, height, i0, i1 } = level;
  const { cols, sx, sy } = sparse;
  const rowRanges = coveringRanges(height, p.patchSize, p.patchStride);
  const colRanges = coveringRanges(width, p.patchSize, p.patchStride);
  const f = Math.fround;
  const maxJ = f(width - 1 - EPS);
  const maxI = f(height - 1 - EPS);
  for (let i = 0; i < height; i++) {
    const is0 = rowRanges[2 * i] ?? 0;
    const is1 = rowRanges[2 * i + 1] ?? 0;
    for (let j = 0; j < width; j++) {
      const js0 = colRanges[2 * j] ?? 0;
      const js1 = colRanges[2 * j + 1] ?? 0;
      const own = i0[i * width + j] ?? 0;
      let sumCoef = 0;
      let sumUx = 0;
      let sumUy = 0;
      for (let is = is0; is <= is1; is++) {
        for (let js = js0; js <= js1; js++) {
          const vx = sx[is * cols + js] ?? 0;
          const vy = sy[is * cols + js] ?? 0;
          const jm = Math.min(Math.max(f(j + vx), 0), maxJ);
          const im = Math.min(Math.max(f(i + vy), 0), maxI);
          const jl = Math.trunc(jm);
          const il = Math.trunc(im);
          const ax = jm - jl;
          const ay = im - il;
          const o = il * width + jl;
          const diff =
            ax * ay * (i1[o + width + 1] ?? 0) +
            (1 - ax) * ay * (i1[o + width] ?? 0) +
            ax * (1 - ay) * (i1[o + 1] ?? 0) +
            (1 - ax) * (1 - ay) * (i1[o] ?? 0) -
            own;
          const coef = 1 / Math.max(1, Math.abs(diff));
          sumUx += coef * vx;
          sumUy += coef * vy;
          sumCoef += coef;
        }
      }
      ux[i * width + j] = sumUx / sumCoef;
      uy[i * width + j] = sumUy / sumCoef;
    }
  }
}

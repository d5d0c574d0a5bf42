/**
 * The variational refinement DIS runs on each pyramid level (OpenCV's `VariationalRefinementImpl::calcUV`,
 * video/src/variational_refinement.cpp): a few fixed-point iterations of a robust energy with a colour
 * constancy term (weight delta), a gradient constancy term (weight gamma) and a flow smoothness term (weight
 * alpha), each solved approximately by 5 red-black SOR sweeps (omega 1.6).
 * OpenCV stores every field in two checkerboard halves with replicated borders; this file works on the plain
 * grid with the same semantics: red pixels ((x + y) even) are relaxed before black ones, the flow is replicated
 * past the right and bottom edges (so its gradient there is 0), and no smoothness link crosses an image edge.
 */

export interface VariationalParams {
  readonly fixedPointIterations: number;
  readonly alpha: number;
  readonly delta: number;
  readonly gamma: number;
}

const SOR_ITERATIONS = 5;
const OMEGA = 1.6;
const ZETA = 0.1;
const EPSILON = 0.001;

/** `Sobel(src, dst, -1, dx, dy, ksize = 1, BORDER_REPLICATE)`: a central difference without smoothing. */
function centralDifference(src: Float32Array, width: number, height: number, axis: 'x' | 'y'): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      if (axis === 'x') {
        const l = x > 0 ? k - 1 : k;
        const r = x < width - 1 ? k + 1 : k;
        out[k] = (src[r] ?? 0) - (src[l] ?? 0);
      } else {
        const u = y > 0 ? k - width : k;
        const d = y < height - 1 ? k + width : k;
        out[k] = (src[d] ?? 0) - (src[u] ?? 0);
      }
    }
  }
  return out;
}

/** The fields of one refinement; every array holds one value per pixel. */
interface System {
  readonly width: number;
  readonly height: number;
  readonly ix: Float32Array;
  readonly iy: Float32Array;
  readonly iz: Float32Array;
  readonly ixx: Float32Array;
  readonly ixy: Float32Array;
  readonly iyy: Float32Array;
  readonly ixz: Float32Array;
  readonly iyz: Float32Array;
  readonly a11: Float32Array;
  readonly a12: Float32Array;
  readonly a22: Float32Array;
  readonly b1: Float32Array;
  readonly b2: Float32Array;
  readonly smoothWeight: Float32Array;
  readonly baseU: Float32Array;
  readonly baseV: Float32Array;
  readonly du: Float32Array;
  readonly dv: Float32Array;
}

const ZETA2 = Math.fround(ZETA * ZETA);
const EPS2 = Math.fround(EPSILON * EPSILON);

// Each phase is its own function: V8 optimises small hot loops called per iteration far better than one large
// function with many loops (the single-function version ran 1.8× slower at 256²).

/** Data term: colour constancy, then gradient constancy, each linearised around the current increment. */
function dataTerm(s: System, delta2: number, gamma2: number): void {
  const { ix, iy, iz, ixx, ixy, iyy, ixz, iyz, du, dv, a11, a12, a22, b1, b2 } = s;
  const n = s.width * s.height;
  for (let k = 0; k < n; k++) {
    const gx = ix[k] ?? 0;
    const gy = iy[k] ?? 0;
    const gz = iz[k] ?? 0;
    const cu = du[k] ?? 0;
    const cv = dv[k] ?? 0;
    let norm = gx * gx + gy * gy + ZETA2;
    const residual = gz + gx * cu + gy * cv;
    let weight = delta2 / Math.sqrt((residual * residual) / norm + EPS2) / norm;
    let s11 = weight * (gx * gx) + ZETA2;
    let s12 = weight * (gx * gy);
    let s22 = weight * (gy * gy) + ZETA2;
    let t1 = -weight * (gz * gx);
    let t2 = -weight * (gz * gy);
    const gxx = ixx[k] ?? 0;
    const gxy = ixy[k] ?? 0;
    const gyy = iyy[k] ?? 0;
    const gxz = ixz[k] ?? 0;
    const gyz = iyz[k] ?? 0;
    norm = gxx * gxx + gxy * gxy + ZETA2;
    const norm2 = gyy * gyy + gxy * gxy + ZETA2;
    const rx = gxz + gxx * cu + gxy * cv;
    const ry = gyz + gxy * cu + gyy * cv;
    weight = gamma2 / Math.sqrt((rx * rx) / norm + (ry * ry) / norm2 + EPS2);
    s11 += weight * ((gxx * gxx) / norm + (gxy * gxy) / norm2);
    s12 += weight * ((gxx * gxy) / norm + (gxy * gyy) / norm2);
    s22 += weight * ((gxy * gxy) / norm + (gyy * gyy) / norm2);
    t1 -= weight * ((gxx * gxz) / norm + (gxy * gyz) / norm2);
    t2 -= weight * ((gxy * gxz) / norm + (gyy * gyz) / norm2);
    a11[k] = s11;
    a12[k] = s12;
    a22[k] = s22;
    b1[k] = t1;
    b2[k] = t2;
  }
}

/** Smoothness weights from the current flow (base + increment); forward differences, 0 past the edges. */
function smoothnessWeights(s: System, alpha2: number): void {
  const { width, height, baseU, baseV, du, dv, smoothWeight } = s;
  const f = Math.fround;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      const cu = f((baseU[k] ?? 0) + (du[k] ?? 0));
      const cv = f((baseV[k] ?? 0) + (dv[k] ?? 0));
      let ux = 0;
      let vx = 0;
      let uy = 0;
      let vy = 0;
      if (x < width - 1) {
        ux = f((baseU[k + 1] ?? 0) + (du[k + 1] ?? 0)) - cu;
        vx = f((baseV[k + 1] ?? 0) + (dv[k + 1] ?? 0)) - cv;
      }
      if (y < height - 1) {
        uy = f((baseU[k + width] ?? 0) + (du[k + width] ?? 0)) - cu;
        vy = f((baseV[k + width] ?? 0) + (dv[k + width] ?? 0)) - cv;
      }
      smoothWeight[k] = alpha2 / Math.sqrt(ux * ux + vx * vx + uy * uy + vy * vy + EPS2);
    }
  }
}

/** One link between neighbours adds its weight to both ends and pulls the increment to the base flow's difference. */
function addLink(s: System, k: number, m: number): void {
  const { smoothWeight, baseU, baseV, a11, a22, b1, b2 } = s;
  const w = smoothWeight[k] ?? 0;
  const pu = w * ((baseU[m] ?? 0) - (baseU[k] ?? 0));
  const pv = w * ((baseV[m] ?? 0) - (baseV[k] ?? 0));
  b1[k] = (b1[k] ?? 0) + pu;
  b2[k] = (b2[k] ?? 0) + pv;
  a11[k] = (a11[k] ?? 0) + w;
  a22[k] = (a22[k] ?? 0) + w;
  b1[m] = (b1[m] ?? 0) - pu;
  b2[m] = (b2[m] ?? 0) - pv;
  a11[m] = (a11[m] ?? 0) + w;
  a22[m] = (a22[m] ?? 0) + w;
}

/** Links that would leave the image are omitted (OpenCV skips the right column and the bottom row). */
function smoothnessTerm(s: System): void {
  const { width, height } = s;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      if (x < width - 1) addLink(s, k, k + 1);
      if (y < height - 1) addLink(s, k, k + width);
    }
  }
}

/** One SOR half-sweep over the pixels of one colour (0: x + y even, 1: odd). */
function sorPass(s: System, colour: number): void {
  const { width, height, smoothWeight, du, dv, a11, a12, a22, b1, b2 } = s;
  for (let y = 0; y < height; y++) {
    for (let x = (y + colour) & 1; x < width; x += 2) {
      const k = y * width + x;
      const w = smoothWeight[k] ?? 0;
      let sigmaU = 0;
      let sigmaV = 0;
      if (x > 0) {
        const wl = smoothWeight[k - 1] ?? 0;
        sigmaU += wl * (du[k - 1] ?? 0);
        sigmaV += wl * (dv[k - 1] ?? 0);
      }
      if (x < width - 1) {
        sigmaU += w * (du[k + 1] ?? 0);
        sigmaV += w * (dv[k + 1] ?? 0);
      }
      if (y > 0) {
        const wu = smoothWeight[k - width] ?? 0;
        sigmaU += wu * (du[k - width] ?? 0);
        sigmaV += wu * (dv[k - width] ?? 0);
      }
      if (y < height - 1) {
        sigmaU += w * (du[k + width] ?? 0);
        sigmaV += w * (dv[k + width] ?? 0);
      }
      const cu = du[k] ?? 0;
      du[k] = cu + OMEGA * ((sigmaU + (b1[k] ?? 0) - (dv[k] ?? 0) * (a12[k] ?? 0)) / (a11[k] ?? 1) - cu);
      const cv = dv[k] ?? 0;
      dv[k] = cv + OMEGA * ((sigmaV + (b2[k] ?? 0) - (du[k] ?? 0) * (a12[k] ?? 0)) / (a22[k] ?? 1) - cv);
    }
  }
}

/**
 * Refines the flow (`u`, `v`, updated in place) between `i0` and `warpedI1`, which is I1 already warped by the
 * incoming flow (`remap(I1 as float32, x + u, y + v, INTER_LINEAR, BORDER_REPLICATE)`, done by the caller).
 */
export function refineFlow(
  i0: Uint8Array,
  warpedI1: Float32Array,
  width: number,
  height: number,
  u: Float32Array,
  v: Float32Array,
  p: VariationalParams,
): void {
  const n = width * height;
  const averaged = new Float32Array(n);
  const iz = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const a = i0[k] ?? 0;
    const b = warpedI1[k] ?? 0;
    averaged[k] = 0.5 * a + 0.5 * b;
    iz[k] = b - a;
  }
  const ix = centralDifference(averaged, width, height, 'x');
  const iy = centralDifference(averaged, width, height, 'y');
  const s: System = {
    width,
    height,
    ix,
    iy,
    iz,
    ixx: centralDifference(ix, width, height, 'x'),
    ixy: centralDifference(ix, width, height, 'y'),
    iyy: centralDifference(iy, width, height, 'y'),
    ixz: centralDifference(iz, width, height, 'x'),
    iyz: centralDifference(iz, width, height, 'y'),
    a11: new Float32Array(n),
    a12: new Float32Array(n),
    a22: new Float32Array(n),
    b1: new Float32Array(n),
    b2: new Float32Array(n),
    smoothWeight: new Float32Array(n),
    baseU: Float32Array.from(u),
    baseV: Float32Array.from(v),
    du: new Float32Array(n),
    dv: new Float32Array(n),
  };
  for (let fp = 0; fp < p.fixedPointIterations; fp++) {
    dataTerm(s, p.delta / 2, p.gamma / 2);
    smoothnessWeights(s, p.alpha / 2);
    smoothnessTerm(s);
    for (let sweep = 0; sweep < SOR_ITERATIONS; sweep++) {
      sorPass(s, 0);
      sorPass(s, 1);
    }
  }
  for (let k = 0; k < n; k++) {
    u[k] = (s.baseU[k] ?? 0) + (s.du[k] ?? 0);
    v[k] = (s.baseV[k] ?? 0) + (s.dv[k] ?? 0);
  }
}

/**
 * DIS optical flow, `cv2.DISOpticalFlow_create(preset).calc(gray0, gray1, None)` (OpenCV video/src/dis_flow.cpp,
 * CPU path), which the notebook's hybrid video uses by default ("DIS Medium") and which no JavaScript OpenCV
 * build contains (runtime-notes A.1). A coarse-to-fine loop over a pyramid of I0 and I1: on each level the
 * inverse search and densification (`optical-flow-dis-search.ts`), then variational refinement
 * (`optical-flow-variational.ts`), then the flow is upscaled bilinearly and doubled for the next level.
 * The image operations around that loop (INTER_AREA pyramid, `spatialGradient`, the refinement's float remap,
 * the bilinear upscaling) run in opencv.js, so they are OpenCV's own code.
 */
import type { loadOpenCv } from '../opencv.js';
import { withMats } from '../opencv.js';
import { DIS_BORDER, densify, inverseSearch, sparseGridSize, type DisLevel } from './optical-flow-dis-search.js';
import type { DisSearchParams } from './optical-flow-dis-search.js';
import { refineFlow } from './optical-flow-variational.js';

type OpenCv = Awaited<ReturnType<typeof loadOpenCv>>['cv'];

export interface DisParams extends DisSearchParams {
  readonly finestScale: number;
  readonly variationalRefinementIterations: number;
  readonly variationalRefinementAlpha: number;
  readonly variationalRefinementDelta: number;
  readonly variationalRefinementGamma: number;
}

export type DisPreset = 'DIS UltraFast' | 'DIS Fast' | 'DIS Medium';

/** The constructor's defaults that no preset changes. */
const DIS_DEFAULTS = {
  patchSize: 8,
  variationalRefinementAlpha: 20,
  variationalRefinementDelta: 5,
  variationalRefinementGamma: 10,
  useMeanNormalization: true,
  useSpatialPropagation: true,
} as const;

/** `DISOpticalFlow::create(PRESET_*)`. */
export const DIS_PRESETS: Readonly<Record<DisPreset, DisParams>> = {
  'DIS UltraFast': {
    ...DIS_DEFAULTS,
    finestScale: 2,
    patchStride: 4,
    gradientDescentIterations: 12,
    variationalRefinementIterations: 0,
  },
  'DIS Fast': {
    ...DIS_DEFAULTS,
    finestScale: 2,
    patchStride: 4,
    gradientDescentIterations: 16,
    variationalRefinementIterations: 5,
  },
  'DIS Medium': {
    ...DIS_DEFAULTS,
    finestScale: 1,
    patchStride: 3,
    gradientDescentIterations: 25,
    variationalRefinementIterations: 5,
  },
};

/** A gray image of one level; `Uint8Array` samples, row-major. */
interface Gray {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

function resizeArea(cv: OpenCv, src: Gray, width: number, height: number): Gray {
  return withMats((keep) => {
    const s = keep(cv.matFromArray(src.height, src.width, cv.CV_8UC1, src.data));
    const d = keep(new cv.Mat());
    cv.resize(s, d, new cv.Size(width, height), 0, 0, cv.INTER_AREA);
    return { width, height, data: Uint8Array.from(d.data) };
  });
}

function replicatePad(src: Gray, pad: number): Uint8Array {
  const ew = src.width + 2 * pad;
  const out = new Uint8Array(ew * (src.height + 2 * pad));
  for (let y = 0; y < src.height + 2 * pad; y++) {
    const sy = Math.min(Math.max(y - pad, 0), src.height - 1);
    for (let x = 0; x < ew; x++) {
      const sx = Math.min(Math.max(x - pad, 0), src.width - 1);
      out[y * ew + x] = src.data[sy * src.width + sx] ?? 0;
    }
  }
  return out;
}

function buildLevel(cv: OpenCv, i0: Gray, i1: Gray): DisLevel {
  return withMats((keep) => {
    const s = keep(cv.matFromArray(i0.height, i0.width, cv.CV_8UC1, i0.data));
    const dx = keep(new cv.Mat());
    const dy = keep(new cv.Mat());
    cv.spatialGradient(s, dx, dy, 3, cv.BORDER_DEFAULT);
    return {
      width: i0.width,
      height: i0.height,
      i0: i0.data,
      i1: i1.data,
      i1Ext: replicatePad(i1, DIS_BORDER),
      i0x: Int16Array.from(dx.data16S),
      i0y: Int16Array.from(dy.data16S),
    };
  });
}

/** `remap(I1 as float32, x + u, y + v, INTER_LINEAR, BORDER_REPLICATE)`, the refinement's `warpImage`. */
function warpByFlow(cv: OpenCv, level: DisLevel, u: Float32Array, v: Float32Array): Float32Array {
  const { width, height } = level;
  return withMats((keep) => {
    const src = keep(new cv.Mat(height, width, cv.CV_32FC1));
    src.data32F.set(level.i1);
    const mapX = keep(new cv.Mat(height, width, cv.CV_32FC1));
    const mapY = keep(new cv.Mat(height, width, cv.CV_32FC1));
    const mx = mapX.data32F;
    const my = mapY.data32F;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const k = y * width + x;
        mx[k] = x + (u[k] ?? 0);
        my[k] = y + (v[k] ?? 0);
      }
    }
    const dst = keep(new cv.Mat());
    cv.remap(src, dst, mapX, mapY, cv.INTER_LINEAR, cv.BORDER_REPLICATE, new cv.Scalar());
    return Float32Array.from(dst.data32F);
  });
}

/** `resize(src, (width, height))` with the default INTER_LINEAR, then `*= scale`, on a float32 field. */
function resizeFlowComponent(
  cv: OpenCv,
  src: Float32Array,
  srcWidth: number,
  srcHeight: number,
  width: number,
  height: number,
  scale: number,
): Float32Array {
  return withMats((keep) => {
    const s = keep(new cv.Mat(srcHeight, srcWidth, cv.CV_32FC1));
    s.data32F.set(src);
    const d = keep(new cv.Mat());
    cv.resize(s, d, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR);
    const out = Float32Array.from(d.data32F);
    for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) * scale;
    return out;
  });
}

/** The number of the coarsest level, from `calc`: motion up to about a quarter of the image, patches that fit. */
function coarsestScale(width: number, height: number, patchSize: number): number {
  return Math.min(
    Math.trunc(Math.log(Math.max(width, height) / (4 * patchSize)) / Math.log(2) + 0.5),
    Math.trunc(Math.log(Math.trunc(Math.min(width, height) / patchSize)) / Math.log(2)),
  );
}

/**
 * Dense flow from `gray0` to `gray1` (8-bit, `width × height`), interleaved (dx, dy) per pixel like the
 * CV_32FC2 Mat `calc` returns.
 */
export function disOpticalFlow(
  cv: OpenCv,
  gray0: Uint8Array,
  gray1: Uint8Array,
  width: number,
  height: number,
  p: DisParams,
): Float32Array {
  const coarsest = coarsestScale(width, height, p.patchSize);
  const levels: DisLevel[] = [];
  const fraction = 1 << p.finestScale;
  let g0 = resizeArea(cv, { width, height, data: gray0 }, Math.trunc(width / fraction), Math.trunc(height / fraction));
  let g1 = resizeArea(cv, { width, height, data: gray1 }, g0.width, g0.height);
  for (let scale = p.finestScale; scale <= coarsest; scale++) {
    if (scale > p.finestScale) {
      g0 = resizeArea(cv, g0, g0.width >> 1, g0.height >> 1);
      g1 = resizeArea(cv, g1, g0.width, g0.height);
    }
    levels.push(buildLevel(cv, g0, g1));
  }

  const coarse = levels[levels.length - 1];
  if (!coarse) throw new RangeError(`${width}×${height} is too small for DIS optical flow (patch ${p.patchSize}).`);
  let ux: Float32Array = new Float32Array(coarse.width * coarse.height);
  let uy: Float32Array = new Float32Array(coarse.width * coarse.height);
  let level = coarse;
  for (let index = levels.length - 1; index >= 0; index--) {
    level = levels[index] ?? level;
    const grid = sparseGridSize(level.width, level.height, p);
    const sparse = {
      ...grid,
      sx: new Float32Array(grid.cols * grid.rows),
      sy: new Float32Array(grid.cols * grid.rows),
    };
    inverseSearch(level, ux, uy, p, sparse);
    densify(level, sparse, p, ux, uy);
    if (p.variationalRefinementIterations > 0) {
      refineFlow(level.i0, warpByFlow(cv, level, ux, uy), level.width, level.height, ux, uy, {
        fixedPointIterations: p.variationalRefinementIterations,
        alpha: p.variationalRefinementAlpha,
        delta: p.variationalRefinementDelta,
        gamma: p.variationalRefinementGamma,
      });
    }
    const finer = levels[index - 1];
    if (finer) {
      ux = resizeFlowComponent(cv, ux, level.width, level.height, finer.width, finer.height, 2);
      uy = resizeFlowComponent(cv, uy, level.width, level.height, finer.width, finer.height, 2);
    }
  }
  // `level` is now the finest one.
  const fx = resizeFlowComponent(cv, ux, level.width, level.height, width, height, fraction);
  const fy = resizeFlowComponent(cv, uy, level.width, level.height, width, height, fraction);
  const flow = new Float32Array(width * height * 2);
  for (let k = 0; k < width * height; k++) {
    flow[2 * k] = fx[k] ?? 0;
    flow[2 * k + 1] = fy[k] ?? 0;
  }
  return flow;
}

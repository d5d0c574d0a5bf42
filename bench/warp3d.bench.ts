/**
 * 3D warp speed at 512×512 RGB with a depth map: our warp (PyTorch-exact grid_sample, float32-rounded
 * coordinates and blends) with bicubic/border (the notebook default) and bilinear/border, against a plain
 * float64 warp written the obvious way (spec §5.2 formulas per pixel, float64 sampling, no float32 rounding),
 * in one process. For scale, the notebook's own torch CPU path takes about 107 ms per 512² frame.
 * Ours is timed on the calling thread alone (against the single-threaded baseline) and with the image threads
 * (threads/row-pool.ts, DEFORUM_IMAGE_THREADS); the float32 input of cadence in-betweens too.
 * Run: npx tsx bench/warp3d.bench.ts — the last line is one JSON object.
 */
import { eulerAnglesToMatrixXyz } from '../src/core/image/camera-3d.js';
import { createRawImage, toFloat32, type RawImage } from '../src/core/image/raw-image.js';
import { rotateXyzRadians, translateXyz } from '../src/core/image/warp-3d-grid.js';
import { warp3d, type DepthMap, type Warp3dParams } from '../src/core/image/warp-3d.js';
import { configureImagePool, imagePoolReady, imagePoolSettings } from '../src/core/threads/row-pool.js';

const SIZE = 512;
const NOTEBOOK_MS = 107;
const PARAMS: Warp3dParams = {
  translationX: 2,
  translationY: -1,
  translationZ: 10,
  rotation3dXDeg: 0.5,
  rotation3dYDeg: 1,
  rotation3dZDeg: 0.3,
  nearPlane: 200,
  farPlane: 10000,
  fovDeg: 40,
  paddingMode: 'border',
  samplingMode: 'bicubic',
};

function cubic(t: number, k: number): number {
  const A = -0.75;
  const x = Math.abs(t - k);
  return x <= 1 ? ((A + 2) * x - (A + 3)) * x * x + 1 : ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
}

/** The straightforward version: float64 throughout, border padding, bicubic or bilinear. */
function baselineWarp(src: RawImage<'u8'>, depth: DepthMap, params: Warp3dParams, bicubic: boolean): RawImage<'u8'> {
  const { width: w, height: h, channels } = src;
  const r = eulerAnglesToMatrixXyz(rotateXyzRadians(params));
  const [tx, ty, tz] = translateXyz(params);
  const s = 1 / Math.tan((params.fovDeg * Math.PI) / 360);
  const out = createRawImage('u8', w, h, channels);
  const px = (x: number): number => Math.min(w - 1, Math.max(0, x));
  const py = (y: number): number => Math.min(h - 1, Math.max(0, y));
  const at = (x: number, y: number, c: number): number =>
    (src.data[(py(y) * w + px(x)) * channels + c] ?? 0) + 0.001853125;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const x = -1 + (2 * j) / (w - 1);
      const y = -1 + (2 * i) / (h - 1);
      const z = Math.max(0.01, depth.data[i * w + j] ?? 1);
      const X = x * (r[0] ?? 0) + y * (r[3] ?? 0) + z * (r[6] ?? 0) + tx;
      const Y = x * (r[1] ?? 0) + y * (r[4] ?? 0) + z * (r[7] ?? 0) + ty;
      const Z = x * (r[2] ?? 0) + y * (r[5] ?? 0) + z * (r[8] ?? 0) + tz;
      const sx = j - ((s * X) / Z - (s * x) / z) * (w / 2);
      const sy = i - ((s * Y) / Z - (s * y) / z) * (h / 2);
      const cx = bicubic ? sx : px(sx);
      const cy = bicubic ? sy : py(sy);
      const x0 = Math.floor(cx);
      const y0 = Math.floor(cy);
      for (let c = 0; c < channels; c++) {
        let v = 0;
        if (bicubic) {
          for (let m = -1; m <= 2; m++) {
            for (let n = -1; n <= 2; n++) v += cubic(cx - x0, n) * cubic(cy - y0, m) * at(x0 + n, y0 + m, c);
          }
        } else {
          const fx = cx - x0;
          const fy = cy - y0;
          v =
            (at(x0, y0, c) * (1 - fx) + at(x0 + 1, y0, c) * fx) * (1 - fy) +
            (at(x0, y0 + 1, c) * (1 - fx) + at(x0 + 1, y0 + 1, c) * fx) * fy;
        }
        out.data[(i * w + j) * channels + c] = Math.min(255, Math.max(0, v));
      }
    }
  }
  return out;
}

function msPerFrame(run: () => unknown, frames: number): number {
  for (let i = 0; i < 3; i++) run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) run();
  return Number(process.hrtime.bigint() - start) / 1e6 / frames;
}

const image = createRawImage('u8', SIZE, SIZE, 3);
for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 2654435761) >>> 24;
const depth: DepthMap = { width: SIZE, height: SIZE, data: new Float32Array(SIZE * SIZE) };
for (let i = 0; i < depth.data.length; i++) depth.data[i] = 1 + 4 * ((i % SIZE) / SIZE) * (Math.floor(i / SIZE) / SIZE);
const FRAMES = 20;
const bilinear: Warp3dParams = { ...PARAMS, samplingMode: 'bilinear' };

const imageF32 = toFloat32(image);
const { threads, minPixels } = imagePoolSettings();
await imagePoolReady();
configureImagePool({ minPixels: Number.POSITIVE_INFINITY });
const oursBicubic = msPerFrame(() => warp3d(image, depth, PARAMS), FRAMES);
const oursBilinear = msPerFrame(() => warp3d(image, depth, bilinear), FRAMES);
const oursF32Bicubic = msPerFrame(() => warp3d(imageF32, depth, PARAMS), FRAMES);
configureImagePool({ minPixels });
const threadedBicubic = msPerFrame(() => warp3d(image, depth, PARAMS), FRAMES);
const threadedF32Bicubic = msPerFrame(() => warp3d(imageF32, depth, PARAMS), FRAMES);
const baseBicubic = msPerFrame(() => baselineWarp(image, depth, PARAMS, true), FRAMES);
const baseBilinear = msPerFrame(() => baselineWarp(image, depth, bilinear, false), FRAMES);

console.log(`warp3d 512×512×3 with depth, ${FRAMES} frames each (ms/frame); notebook torch CPU ≈ ${NOTEBOOK_MS} ms`);
console.log(
  JSON.stringify({
    oursBicubicBorderMs: +oursBicubic.toFixed(2),
    oursBilinearBorderMs: +oursBilinear.toFixed(2),
    oursFloat32BicubicBorderMs: +oursF32Bicubic.toFixed(2),
    imageThreads: threads,
    threadedBicubicBorderMs: +threadedBicubic.toFixed(2),
    threadedFloat32BicubicBorderMs: +threadedF32Bicubic.toFixed(2),
    baselineFloat64BicubicMs: +baseBicubic.toFixed(2),
    baselineFloat64BilinearMs: +baseBilinear.toFixed(2),
    ratioBicubicToBaseline: +(oursBicubic / baseBicubic).toFixed(3),
    ratioBilinearToBaseline: +(oursBilinear / baseBilinear).toFixed(3),
    notebookTorchMs: NOTEBOOK_MS,
    ratioBicubicToNotebook: +(oursBicubic / NOTEBOOK_MS).toFixed(3),
    ratioThreadedBicubicToNotebook: +(threadedBicubic / NOTEBOOK_MS).toFixed(3),
  }),
);

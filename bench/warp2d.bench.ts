/**
 * 2D warp speed at 512×512 RGB: our OpenCV-exact fixed-point warp (u8 and f32) against a plain float64 bilinear
 * warp written the obvious way (same inverse mapping and replicate border, no quantisation), in one process.
 * Run: npx tsx bench/warp2d.bench.ts — the last line is one JSON object.
 */
import { createRawImage, toFloat32, type RawImage } from '../src/core/image/raw-image.js';
import { warp2d, warp2dMatrix, type Warp2dParams } from '../src/core/image/warp-2d.js';
import { invert3x3 } from '../src/core/image/warp-perspective.js';

const SIZE = 512;
const PARAMS: Warp2dParams = {
  angleDeg: 2,
  zoom: 1.04,
  translationX: 3.3,
  translationY: -1.7,
  perspectiveFlipThetaDeg: 0,
  perspectiveFlipPhiDeg: 0,
  perspectiveFlipGammaDeg: 0,
  perspectiveFlipFovDeg: 53,
  flip2dPerspective: false,
  border: 'replicate',
};

function baselineWarp(src: RawImage<'u8'>, forward: Float64Array): RawImage<'u8'> {
  const { width, height, channels } = src;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, m6 = 0, m7 = 0, m8 = 0] = invert3x3(forward);
  const out = createRawImage('u8', width, height, channels);
  const clampX = (v: number): number => (v < 0 ? 0 : v >= width ? width - 1 : v);
  const clampY = (v: number): number => (v < 0 ? 0 : v >= height ? height - 1 : v);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = m6 * x + m7 * y + m8;
      const sx = (m0 * x + m1 * y + m2) / w;
      const sy = (m3 * x + m4 * y + m5) / w;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const a = (clampY(y0) * width + clampX(x0)) * channels;
      const b = (clampY(y0) * width + clampX(x0 + 1)) * channels;
      const c = (clampY(y0 + 1) * width + clampX(x0)) * channels;
      const d = (clampY(y0 + 1) * width + clampX(x0 + 1)) * channels;
      for (let k = 0; k < channels; k++) {
        const top = (src.data[a + k] ?? 0) * (1 - fx) + (src.data[b + k] ?? 0) * fx;
        const bottom = (src.data[c + k] ?? 0) * (1 - fx) + (src.data[d + k] ?? 0) * fx;
        out.data[(y * width + x) * channels + k] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

function msPerFrame(run: () => unknown, frames: number): number {
  for (let i = 0; i < 5; i++) run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) run();
  return Number(process.hrtime.bigint() - start) / 1e6 / frames;
}

const image = createRawImage('u8', SIZE, SIZE, 3);
for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 2654435761) >>> 24;
const float = toFloat32(image);
const matrix = warp2dMatrix(PARAMS, SIZE, SIZE);
const FRAMES = 60;

const oursU8 = msPerFrame(() => warp2d(image, PARAMS), FRAMES);
const oursF32 = msPerFrame(() => warp2d(float, PARAMS), FRAMES);
const baseline = msPerFrame(() => baselineWarp(image, matrix), FRAMES);

console.log(`warp2d 512×512×3, ${FRAMES} frames each (ms/frame)`);
console.log(
  JSON.stringify({
    oursU8Ms: +oursU8.toFixed(2),
    oursF32Ms: +oursF32.toFixed(2),
    baselineFloat64Ms: +baseline.toFixed(2),
    ratioU8ToBaseline: +(oursU8 / baseline).toFixed(3),
    ratioF32ToBaseline: +(oursF32 / baseline).toFixed(3),
  }),
);

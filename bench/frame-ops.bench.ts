/**
 * Per-frame image work of the 2D/3D loop at 512×512 RGB: contrast + unsharp mask, and frame noise (sample
 * conversion, torch-exact randn, float16 rounding). Each candidate runs against a straightforward TypeScript
 * baseline in the same process (baseline: a per-pixel float64 Gaussian with a border function; Math.log/cos
 * Box–Muller on the same MT19937 without float16 rounding). Notebook reference: ~16 ms and ~3 ms.
 * Also the cadence init's conversion of the warped float image to 8 bits through a float16 sample (issue 6):
 * `bytesViaHalfSample` against the two passes it replaces, `sampleToPixels(sampleFromFloatPixels(x))`.
 * Run: npx tsx bench/frame-ops.bench.ts — the last line is one JSON object.
 */
import { bytesViaHalfSample, sampleFromFloatPixels } from '../src/core/animation/cadence-images.js';
import { Mt19937 } from '../src/core/diffusion/mt19937.js';
import { applyContrast } from '../src/core/image/contrast.js';
import { addFrameNoise, frameNoiseRng, sampleFromPixels, sampleToPixels } from '../src/core/image/frame-noise.js';
import { loadOpenCv } from '../src/core/image/opencv.js';
import { rawImageFrom, type RawImage } from '../src/core/image/raw-image.js';
import { unsharpMask } from '../src/core/image/unsharp-mask.js';

const SIZE = 512;
const CHANNELS = 3;
const REPEATS = 15;

function testImage(): RawImage<'u8'> {
  const data = new Uint8Array(SIZE * SIZE * CHANNELS);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const pixel = Math.floor(i / CHANNELS);
    data[i] = ((pixel % SIZE) + Math.floor(pixel / SIZE) + (state >>> 28)) & 0xff;
  }
  return rawImageFrom('u8', SIZE, SIZE, CHANNELS, data);
}

async function medianMs(run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS + 2; i++) {
    const start = performance.now();
    await run();
    if (i >= 2) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function baselineUnsharp(image: RawImage<'u8'>, contrast: number, sigma: number, amount: number): Uint8Array {
  const { width, height, channels } = image;
  const img = Float64Array.from(image.data, (v) => v * contrast);
  const radius = 2;
  const weights = Array.from({ length: 2 * radius + 1 }, (_, k) =>
    Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const kernel = weights.map((w) => w / total);
  const border = (p: number, n: number) => (p < 0 ? -p : p >= n ? 2 * n - 2 - p : p);
  const rows = new Float64Array(img.length);
  const blur = new Float64Array(img.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++)
          sum += (kernel[k + radius] ?? 0) * (img[(y * width + border(x + k, width)) * channels + c] ?? 0);
        rows[(y * width + x) * channels + c] = sum;
      }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++)
          sum += (kernel[k + radius] ?? 0) * (rows[(border(y + k, height) * width + x) * channels + c] ?? 0);
        blur[(y * width + x) * channels + c] = sum;
      }
  const out = new Uint8Array(img.length);
  for (let i = 0; i < img.length; i++)
    out[i] = Math.min(255, Math.max(0, Math.round((amount + 1) * (img[i] ?? 0) - amount * (blur[i] ?? 0))));
  return out;
}

function baselineNoise(image: RawImage<'u8'>, amount: number, seed: number): Float32Array {
  const engine = new Mt19937(seed);
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i += 2) {
    const u1 = 1 - engine.nextUint32() / 2 ** 32;
    const u2 = engine.nextUint32() / 2 ** 32;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = ((image.data[i] ?? 0) / 255) * 2 - 1 + r * Math.cos(2 * Math.PI * u2) * amount;
    out[i + 1] = ((image.data[i + 1] ?? 0) / 255) * 2 - 1 + r * Math.sin(2 * Math.PI * u2) * amount;
  }
  return out;
}

await loadOpenCv();
const image = testImage();
const params = { kernel: 5, sigma: 1, amount: 0.2, threshold: 0 };
const unsharpMs = await medianMs(() => unsharpMask(applyContrast(image, 0.9), params));
const unsharpBaselineMs = await medianMs(() => baselineUnsharp(image, 0.9, 1, 0.2));
const noiseMs = await medianMs(() => addFrameNoise(sampleFromPixels(image), 0.02, frameNoiseRng(42)));
const noiseBaselineMs = await medianMs(() => baselineNoise(image, 0.02, 42));
// A warped cadence image: the test image with fractional parts, as bicubic resampling leaves them.
const floatImage = rawImageFrom(
  'f32',
  SIZE,
  SIZE,
  CHANNELS,
  Float32Array.from(image.data, (v, i) => v + ((i * 0.37) % 1)),
);
bytesViaHalfSample(floatImage); // its threshold table is built once per process
const cadenceBytesMs = await medianMs(() => bytesViaHalfSample(floatImage));
const cadenceBytesBaselineMs = await medianMs(() => sampleToPixels(sampleFromFloatPixels(floatImage)));

const round = (ms: number) => Math.round(ms * 100) / 100;
console.log(
  JSON.stringify({
    image: `${SIZE}x${SIZE}x${CHANNELS}`,
    unsharpContrastMs: round(unsharpMs),
    unsharpContrastBaselineMs: round(unsharpBaselineMs),
    unsharpContrastSpeedup: round(unsharpBaselineMs / unsharpMs),
    noiseMs: round(noiseMs),
    noiseBaselineMs: round(noiseBaselineMs),
    noiseSpeedup: round(noiseBaselineMs / noiseMs),
    cadenceBytesMs: round(cadenceBytesMs),
    cadenceBytesBaselineMs: round(cadenceBytesBaselineMs),
    cadenceBytesSpeedup: round(cadenceBytesBaselineMs / cadenceBytesMs),
  }),
);

import { afterAll, describe, expect, it } from 'vitest';

import { bytesViaHalfSample, sampleToFloatPixels } from '../../../src/core/animation/cadence-images.js';
import { matchColors } from '../../../src/core/image/color-coherence.js';
import { applyContrast } from '../../../src/core/image/contrast.js';
import {
  drawFrameNoise,
  frameNoiseRng,
  noisedSampleFromPixels,
  noisedSampleWithNoise,
  sampleFromPixels,
  sampleToPixels,
} from '../../../src/core/image/frame-noise.js';
import { createRawImage, toFloat32, type RawImage } from '../../../src/core/image/raw-image.js';
import { unsharpMask } from '../../../src/core/image/unsharp-mask.js';
import { warp2d } from '../../../src/core/image/warp-2d.js';
import { warp3d, type DepthMap, type Warp3dParams } from '../../../src/core/image/warp-3d.js';
import {
  configureImagePool,
  helperChunksByKernel,
  imagePoolReady,
  imageThreadCount,
} from '../../../src/core/threads/row-pool.js';
import { ROW_KERNELS } from '../../../src/core/threads/row-kernels.js';

const WARP_2D = {
  angleDeg: 3,
  zoom: 1.04,
  translationX: 2.5,
  translationY: -1.25,
  perspectiveFlipThetaDeg: 5,
  perspectiveFlipPhiDeg: -4,
  perspectiveFlipGammaDeg: 2,
  perspectiveFlipFovDeg: 53,
};

const WIDTH = 96;
const HEIGHT = 72;

const MOTION: Warp3dParams = {
  translationX: 3,
  translationY: -2,
  translationZ: 25,
  rotation3dXDeg: 2,
  rotation3dYDeg: -3,
  rotation3dZDeg: 4,
  nearPlane: 200,
  farPlane: 10000,
  fovDeg: 40,
  paddingMode: 'border',
  samplingMode: 'bicubic',
};

function image(channels: 1 | 3 | 4): RawImage<'u8'> {
  const out = createRawImage('u8', WIDTH, HEIGHT, channels);
  for (let i = 0; i < out.data.length; i++) out.data[i] = ((i * 2654435761) >>> 24) ^ (i >> 7);
  return out;
}

const depth: DepthMap = {
  width: WIDTH,
  height: HEIGHT,
  data: Float32Array.from({ length: WIDTH * HEIGHT }, (_, i) => 0.5 + ((i * 7) % 101) / 40),
};

/** Every output the pool computes, for one setting of the pool. */
async function outputs(): Promise<number[][]> {
  const results: number[][] = [];
  // Each sampling mode on bytes and on float32, each with every channel count, padding and depth setting.
  const paddings = ['border', 'reflection', 'zeros'] as const;
  for (const samplingMode of ['bicubic', 'bilinear', 'nearest'] as const) {
    for (const [k, channels] of ([1, 3, 4] as const).entries()) {
      const params = { ...MOTION, samplingMode, paddingMode: paddings[k] ?? 'border' };
      const map = k === 1 ? null : depth;
      results.push(Array.from(warp3d(image(channels), map, params).data));
      results.push(Array.from(warp3d(toFloat32(image(channels)), map, params).data));
    }
  }
  for (const [channels, border] of [
    [3, 'replicate'],
    [4, 'wrap'],
    [1, 'replicate'],
  ] as const) {
    const motion = { ...WARP_2D, border, flip2dPerspective: channels === 4 };
    results.push(Array.from(warp2d(image(channels), motion).data));
    results.push(Array.from(warp2d(toFloat32(image(channels)), motion).data));
  }
  for (const amount of [0.02, 0.7]) {
    results.push(Array.from(noisedSampleFromPixels(image(3), amount, frameNoiseRng(1234)).data));
    const drawn = drawFrameNoise(1234, [1, 3, HEIGHT, WIDTH]);
    results.push(Array.from(drawn.normals));
    results.push(Array.from(noisedSampleWithNoise(image(3), amount, drawn).data));
  }
  for (const channels of [1, 3, 4] as const) {
    const sample = sampleFromPixels(image(channels));
    results.push(Array.from(sample.data));
    const wide = Float32Array.from(sample.data, (v, i) => v * 1.3 + ((i % 7) - 3) / 50);
    results.push(Array.from(sampleToPixels({ ...sample, data: wide }).data));
    const floats = sampleToFloatPixels({ ...sample, data: wide });
    results.push(Array.from(floats.data), Array.from(bytesViaHalfSample(floats).data));
  }
  const reference = warp3d(image(3), depth, MOTION);
  for (const mode of ['Match Frame 0 LAB', 'Match Frame 0 HSV']) {
    results.push(Array.from((await matchColors(image(3), reference, mode)).data));
  }
  for (const [channels, kernel, sigma, contrast] of [
    [3, 5, 1, 1],
    [3, 9, 2, 1.3],
    [1, 15, 3, 0.8],
    [4, 3, 0.5, 1.1],
  ] as const) {
    const params = { kernel, sigma, amount: 0.7, threshold: 0 };
    results.push(Array.from((await unsharpMask(applyContrast(image(channels), contrast), params)).data));
  }
  return results;
}

const helperChunks = () => ROW_KERNELS.map((kernel) => helperChunksByKernel().get(kernel.name) ?? 0);

afterAll(() => configureImagePool({ threads: 0 }));

describe('image pool', () => {
  it('gives the serial bytes with helper threads (every kernel)', async () => {
    configureImagePool({ threads: 0, minPixels: 0 });
    const serial = await outputs();
    configureImagePool({ threads: 1, minPixels: 0, callerClaims: false });
    await imagePoolReady();
    const before = helperChunks();
    // The caller leaves every chunk to the helper, and recomputes those it has not done in time (while it boots,
    // or loads opencv.js for the conversions and the unsharp mask): repeat until it has run every kernel.
    const helped = () => helperChunks().every((count, k) => count > (before[k] as number));
    for (let round = 0; round < 50 && !helped(); round++) {
      expect(await outputs()).toEqual(serial);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(helperChunks().map((count, k) => count > (before[k] as number))).toEqual(ROW_KERNELS.map(() => true));
    // Every kernel handed to the helpers is one they know (a kernel missing from the registry runs on this thread).
    expect([...helperChunksByKernel().keys()].sort()).toEqual(ROW_KERNELS.map((kernel) => kernel.name).sort());
    expect(await outputs()).toEqual(serial);
    configureImagePool({ callerClaims: true });
    expect(await outputs()).toEqual(serial);
  });

  it('runs small images on the calling thread', async () => {
    configureImagePool({ threads: 1, minPixels: WIDTH * HEIGHT + 1, callerClaims: false });
    await imagePoolReady();
    const before = helperChunks();
    for (let round = 0; round < 5; round++) await outputs();
    expect(helperChunks()).toEqual(before);
  });

  it.each([
    { raw: undefined, parallelism: 2, threads: 1 },
    { raw: ' ', parallelism: 1, threads: 0 },
    { raw: undefined, parallelism: 16, threads: 3 },
    { raw: '0', parallelism: 16, threads: 0 },
    { raw: '6', parallelism: 2, threads: 6 },
  ])('DEFORUM_IMAGE_THREADS=$raw on $parallelism cores gives $threads helpers', ({ raw, parallelism, threads }) => {
    expect(imageThreadCount(raw, parallelism)).toBe(threads);
  });

  it.each(['-1', '1.5', 'two'])('rejects DEFORUM_IMAGE_THREADS=%s and says what it takes', (raw) => {
    expect(() => imageThreadCount(raw, 2)).toThrow(/whole number ≥ 0/);
  });
});

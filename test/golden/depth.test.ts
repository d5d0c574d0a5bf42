// Golden parity for depth.json: DepthModel.predict and DepthModel.save(..., 8) with the networks replaced by the
// golden run's analytic fakes, so the real MiDaS transform, AdaBins resizing, blending and save normalisation
// are what is compared. Tolerances (golden README): depth float32 rel 1e-4, saved PNG ±1.
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/core/image/codec.js';
import { createDepthModel, type DepthNetwork } from '../../src/core/diffusion/models/depth.js';
import { depthMapImage, INITIAL_DEPTH_RANGE } from '../../src/core/diffusion/models/depth/depth-map-image.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { readNpy } from '../support/npy.js';

interface DepthCase {
  id: string;
  midas_weight: number;
  adabins_used: boolean;
  input: string;
  midas_input_shape: number[];
  midas_raw: string;
  adabins_input_size: [number, number] | null;
  adabins_raw: string | null;
  depth: string;
  saved_8bit: string;
}

const golden = readGoldenJson<{ cases: DepthCase[] }>('depth.json');

/** The golden MiDaS fake: `12 + 10·sample.mean(dim=1)` over the real transform's output. */
const fakeMidas: DepthNetwork = (input, shape) => {
  const [, channels = 3, height = 0, width = 0] = shape;
  const plane = height * width;
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum = Math.fround(sum + (input[c * plane + i] ?? 0));
    out[i] = Math.fround(12 + Math.fround(10 * Math.fround(sum / channels)));
  }
  return Promise.resolve({ data: out, shape: [1, height, width] });
};

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * The golden AdaBins fake, `1 + 9·luma/255` of the PIL image it was handed (luma 0.299·R + 0.587·G + 0.114·B in
 * floating point, unrounded), expressed as a network: the 8-bit pixels are recovered from the ImageNet-normalised input. Being per pixel and
 * in range, it passes unchanged through predict's mirror average, clipping and same-size interpolation.
 */
const fakeAdabins: DepthNetwork = (input, shape) => {
  const [, , height = 0, width = 0] = shape;
  const plane = height * width;
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    const [r, g, b] = [0, 1, 2].map((c) =>
      Math.round(((input[c * plane + i] ?? 0) * (STD[c] ?? 1) + (MEAN[c] ?? 0)) * 255),
    ) as [number, number, number];
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    out[i] = 1 + (9 * luma) / 255;
  }
  return Promise.resolve({ data: out, shape: [1, 1, height, width] });
};

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? 0;
    worst = Math.max(worst, Math.abs((actual[i] ?? 0) - e) / Math.max(Math.abs(e), 1e-6));
  }
  return worst;
}

describe('golden depth.json', () => {
  it.each(golden.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const image = await decodeImage(goldenPath(c.input));
    const model = createDepthModel({ midas: fakeMidas, adabins: fakeAdabins, midasWeight: c.midas_weight });
    expect(model.usesAdabins, `midas_weight ${c.midas_weight}`).toBe(c.adabins_used);
    const prediction = await model.predict(image);

    const midasRaw = readNpy(goldenPath(c.midas_raw));
    expect(prediction.midasRaw.shape.slice(1), 'MiDaS input size').toStrictEqual(c.midas_input_shape.slice(2));
    expect(maxRelativeError(prediction.midasRaw.data, midasRaw.data as Float32Array), 'midas_raw').toBeLessThan(1e-5);

    if (c.adabins_raw && c.adabins_input_size) {
      const adabinsRaw = readNpy(goldenPath(c.adabins_raw));
      expect(prediction.adabinsRaw?.shape, 'AdaBins input size').toStrictEqual(adabinsRaw.shape);
      expect(adabinsRaw.shape.slice(2).reverse(), 'adabins_input_size').toStrictEqual(c.adabins_input_size);
      const got = prediction.adabinsRaw?.data ?? new Float32Array();
      expect(maxRelativeError(got, adabinsRaw.data as Float32Array), 'adabins_raw').toBeLessThan(1e-5);
    } else {
      expect(prediction.adabinsRaw).toBeNull();
    }

    const depth = readNpy(goldenPath(c.depth));
    expect([prediction.depth.height, prediction.depth.width]).toStrictEqual(depth.shape);
    expect(maxRelativeError(prediction.depth.data, depth.data as Float32Array), `depth, ${c.id}`).toBeLessThan(1e-4);

    const saved = await decodeImage(goldenPath(c.saved_8bit));
    const { image: ours } = depthMapImage(prediction.depth, INITIAL_DEPTH_RANGE);
    let worst = 0;
    for (let i = 0; i < saved.data.length; i++)
      worst = Math.max(worst, Math.abs((ours.data[i] ?? 0) - (saved.data[i] ?? 0)));
    expect(worst, `saved 8-bit depth, ${c.id}`).toBeLessThanOrEqual(1);
  });
});

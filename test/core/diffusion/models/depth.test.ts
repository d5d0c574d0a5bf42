/** Depth model contracts that the golden cases do not reach: sizes, refusals and the running save range. */
import { describe, expect, it } from 'vitest';
import { isDeforumError } from '../../../../src/core/errors.js';
import { createRawImage } from '../../../../src/core/image/raw-image.js';
import { createDepthModel, type DepthNetwork } from '../../../../src/core/diffusion/models/depth.js';
import { adabinsInputImage } from '../../../../src/core/diffusion/models/depth/adabins.js';
import { depthMapImage, INITIAL_DEPTH_RANGE } from '../../../../src/core/diffusion/models/depth/depth-map-image.js';
import { midasInputSize } from '../../../../src/core/diffusion/models/depth/midas-transform.js';

const constantMidas: DepthNetwork = (_input, shape) =>
  Promise.resolve({
    data: new Float32Array((shape[2] ?? 0) * (shape[3] ?? 0)).fill(12),
    shape: [1, shape[2] ?? 0, shape[3] ?? 0],
  });

describe('midasInputSize', () => {
  it.each([
    [512, 512, 384, 384],
    [128, 96, 384, 288], // golden: the factor closer to 1 is 384/128
    [1024, 576, 672, 384], // shorter side to 384, 682.67 rounds to 672
    [640, 360, 672, 384], // 682.67 → 21.33 blocks → 672
    [100, 50, 384, 192],
    [2048, 64, 384, 32], // the original asks cv2 for height 0 here
  ])('%i×%i → %i×%i', (w, h, ew, eh) => {
    expect(midasInputSize(w, h)).toStrictEqual({ width: ew, height: eh });
  });
});

describe('adabinsInputImage', () => {
  it.each([
    [128, 96, 517, 387], // golden: up to area ≥ 448², sides truncated
    [512, 512, 512, 512], // within 448²…500 000: unchanged
    [720, 720, 707, 707], // over 500 000: Lanczos down to √500000 per side
  ])('%i×%i → %i×%i', (w, h, ew, eh) => {
    const input = adabinsInputImage(createRawImage('u8', w, h, 3));
    expect([input.width, input.height]).toStrictEqual([ew, eh]);
  });

  it('swaps red and blue (spec §24 item 12, kept)', () => {
    const image = createRawImage('u8', 512, 512, 3);
    image.data.set([200, 100, 10]);
    expect([...adabinsInputImage(image).data.subarray(0, 3)]).toStrictEqual([10, 100, 200]);
  });
});

describe('createDepthModel', () => {
  it('refuses midas_weight < 1 without an AdaBins network, naming the fix', () => {
    let error: unknown;
    try {
      createDepthModel({ midas: constantMidas, midasWeight: 0.3 });
    } catch (caught) {
      error = caught;
    }
    expect(isDeforumError(error) && error.details).toStrictEqual({
      code: 'depth_model_missing',
      model: 'AdaBins',
      midasWeight: 0.3,
    });
    expect((error as Error).message).toMatch(/Set midas_weight to 1\.0/);
  });

  it('uses MiDaS alone at midas_weight 1 and never calls AdaBins', async () => {
    const adabins: DepthNetwork = () => Promise.reject(new Error('AdaBins must not run'));
    const model = createDepthModel({ midas: constantMidas, adabins, midasWeight: 1 });
    const prediction = await model.predict(createRawImage('u8', 64, 48, 3));
    expect(prediction.adabinsRaw).toBeNull();
    expect(prediction.depth.data.every((d) => d === Math.fround(38 / 19))).toBe(true);
  });

  it('rejects a MiDaS output that is not one map', async () => {
    const bad: DepthNetwork = () => Promise.resolve({ data: new Float32Array(6), shape: [2, 1, 3] });
    const model = createDepthModel({ midas: bad, midasWeight: 1 });
    await expect(model.predict(createRawImage('u8', 64, 48, 3))).rejects.toMatchObject({
      details: { code: 'model_io_mismatch', model: 'MiDaS' },
    });
  });
});

describe('depthMapImage', () => {
  const map = (values: number[]) => ({ width: values.length, height: 1, data: Float32Array.from(values) });

  it('normalises with the range of every map saved so far, not just this one', () => {
    const first = depthMapImage(map([1, 2, 3]), INITIAL_DEPTH_RANGE);
    expect([...first.image.data.filter((_, i) => i % 3 === 0)]).toStrictEqual([0, 127, 255]);
    const second = depthMapImage(map([2, 2.5]), first.range);
    expect(second.range).toStrictEqual({ min: 1, max: 3 });
    expect([...second.image.data.filter((_, i) => i % 3 === 0)]).toStrictEqual([127, 191]);
  });

  it('writes black for a flat first map instead of dividing by zero', () => {
    const { image } = depthMapImage(map([4, 4]), INITIAL_DEPTH_RANGE);
    expect([...image.data]).toStrictEqual([0, 0, 0, 0, 0, 0]);
  });
});

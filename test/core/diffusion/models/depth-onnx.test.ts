// MiDaS on ONNX: a tiny MiDaS-shaped export (fixed 384² or symbolic input, names read from the session) found in
// the model folder, turned into the depth model the 3D warp uses, predicting one depth per frame pixel.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeforumError } from '../../../../src/core/errors.js';
import { rawImageFrom } from '../../../../src/core/image/raw-image.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import { loadDepthModel } from '../../../../src/core/diffusion/pipeline/load-optional-models.js';
import { tinyMidas, writeModel, type MidasOptions } from '../../../support/tiny-onnx.js';

const root = mkdtempSync(path.join(tmpdir(), 'deforum-depth-'));
const host = createSessionHost({ intraOpThreads: 1 });
afterAll(() => host.close());

function folderWith(name: string, midas: MidasOptions): string {
  const folder = path.join(root, name);
  writeModel(path.join(folder, 'depth', 'midas.onnx'), tinyMidas(midas));
  return folder;
}

// 96×64 frame: left half black, right half white.
const frame = rawImageFrom(
  'u8',
  96,
  64,
  3,
  Uint8Array.from({ length: 96 * 64 * 3 }, (_, i) => (Math.floor(i / 3) % 96 < 48 ? 0 : 255)),
);

describe('loadDepthModel with a MiDaS ONNX export', () => {
  it.each([
    ['symbolic', { size: 'symbolic' } as MidasOptions],
    ['fixed 384×384, input named "0"', { size: [384, 384], inputName: '0', outputName: '1076' } as MidasOptions],
  ])('%s: a depth per frame pixel, (50 − d)/19 of the network output', async (name, midas) => {
    const loaded = await loadDepthModel(folderWith(name, midas), host, { midasWeight: 1 });
    const prediction = await loaded.model.predict(frame);
    expect([prediction.depth.width, prediction.depth.height]).toEqual([96, 64]);
    expect(prediction.depth.data.length).toBe(96 * 64);
    // The tiny network gives 10·mean(input) + 20: black (−1) → 10, white (+1) → 30, so (50 − d)/19 ≈ 2.1 and 1.05.
    expect(prediction.depth.data[64 * 96 - 96 + 2]).toBeCloseTo(40 / 19, 2);
    expect(prediction.depth.data[96 - 3]).toBeCloseTo(20 / 19, 2);
    if (name === 'symbolic') expect(prediction.midasRaw.shape).toEqual([1, 256, 384]);
    else expect(prediction.midasRaw.shape).toEqual([1, 384, 384]);
    await loaded.release();
  });

  it('says where the MiDaS file is expected when it is missing', async () => {
    const error = await loadDepthModel(path.join(root, 'empty'), host, { midasWeight: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).message).toMatch(/depth\/midas\.onnx.*use_depth_warping/);
  });

  it('refuses midas_weight < 1 without an AdaBins export', async () => {
    const folder = folderWith('no-adabins', {});
    await expect(loadDepthModel(folder, host, { midasWeight: 0.3 })).rejects.toMatchObject({
      details: { code: 'depth_model_missing' },
    });
  });
});

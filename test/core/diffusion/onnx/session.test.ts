// The in-process session host against tiny SD-shaped models: metadata read from the file, feeds converted to the
// declared dtypes (int32/int64 ids, float16), every mismatch named, external weights, and the CUDA → CPU fallback.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeforumError } from '../../../../src/core/errors.js';
import type { Feed } from '../../../../src/core/diffusion/onnx/model-session.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import { tinyTextEncoder, tinyUNet, writeModel } from '../../../support/tiny-onnx.js';

const dir = mkdtempSync(path.join(tmpdir(), 'deforum-session-'));
const host = createSessionHost({ intraOpThreads: 1 });
afterAll(() => host.close());

function modelFile(name: string, model: Parameters<typeof writeModel>[1], external?: string): string {
  const file = path.join(dir, name, 'model.onnx');
  writeModel(file, model, external);
  return file;
}

const unetFeeds = (batch: number): Record<string, Feed> => ({
  sample: { kind: 'float', dims: [batch, 4, 2, 2], data: new Float32Array(batch * 16).fill(2) },
  timestep: { kind: 'float', dims: [batch], data: new Float32Array(batch).fill(100) },
  encoder_hidden_states: { kind: 'float', dims: [batch, 77, 768], data: new Float32Array(batch * 77 * 768).fill(0.25) },
});

describe('session host', () => {
  it('reads the declared inputs and outputs, symbolic dims included', async () => {
    const session = await host.open(modelFile('unet', tinyUNet()), 'unet');
    expect(session.inputs).toEqual([
      { name: 'sample', type: 'float32', dims: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', type: 'float32', dims: ['batch'] },
      { name: 'encoder_hidden_states', type: 'float32', dims: ['batch', 77, 768] },
    ]);
    const out = await session.run(unetFeeds(2));
    expect(out.out_sample?.shape).toEqual([2, 4, 2, 2]);
    // 0.5·2 + 0.001·100 + 0.25
    expect(out.out_sample?.data[0]).toBeCloseTo(1.35, 6);
  });

  it.each(['int32', 'int64'] as const)('converts integer ids to the declared %s', async (idsType) => {
    const session = await host.open(modelFile(`te-${idsType}`, tinyTextEncoder({ idsType })), 'text_encoder');
    expect(session.inputs[0]?.type).toBe(idsType);
    const ids = new Int32Array(77).fill(49407);
    ids[0] = 49406;
    const out = await session.run({ input_ids: { kind: 'int', dims: [1, 77], data: ids } });
    expect(out.last_hidden_state?.shape).toEqual([1, 77, 768]);
    expect(out.last_hidden_state?.data[768 + 5]).toBeCloseTo(49407e-4 + 5e-3, 4);
  });

  it('feeds and reads float16 models as float32', async () => {
    const session = await host.open(modelFile('unet-f16', tinyUNet({ floatType: 'float16' })), 'unet');
    expect(session.inputs.map((input) => input.type)).toEqual(['float16', 'float16', 'float16']);
    const out = await session.run(unetFeeds(1));
    expect(out.out_sample?.data).toBeInstanceOf(Float32Array);
    expect(out.out_sample?.data[0]).toBeCloseTo(1.35, 2);
  });

  it('loads weights stored in an external data file', async () => {
    for (const external of ['weights.pb', 'model.onnx_data']) {
      const session = await host.open(modelFile(`unet-${external}`, tinyUNet(), external), 'unet');
      expect((await session.run(unetFeeds(1))).out_sample?.data[3]).toBeCloseTo(1.35, 6);
    }
  });

  it('names the model, the input, expected and got on a mismatch', async () => {
    const session = await host.open(modelFile('unet-fixed', tinyUNet({ batch: 1 })), 'unet');
    const run = session.run(unetFeeds(2));
    await expect(run).rejects.toBeInstanceOf(DeforumError);
    await expect(run).rejects.toMatchObject({
      details: {
        code: 'model_io_mismatch',
        model: 'unet',
        input: 'sample',
        expected: 'shape [1, 4, height, width]',
        got: 'shape [2, 4, 2, 2]',
      },
    });
    const { timestep: _, ...withoutTimestep } = unetFeeds(1);
    await expect(session.run(withoutTimestep)).rejects.toThrow(
      "unet: input 'timestep' expects a float32 [1] tensor but got no feed",
    );
    await expect(
      session.run({ ...unetFeeds(1), timestep: { kind: 'int', dims: [1], data: new Int32Array([1]) } }),
    ).rejects.toThrow("unet: input 'timestep' expects element type float32 but got integer values");
  });

  it('falls back to the CPU with one warning when CUDA cannot load', async () => {
    const warnings: string[] = [];
    const cudaHost = createSessionHost({ device: 'cuda', intraOpThreads: 1, onWarning: (m) => warnings.push(m) });
    try {
      const file = modelFile('unet-cuda', tinyUNet());
      const first = await cudaHost.open(file, 'unet');
      await cudaHost.open(file, 'unet');
      expect((await first.run(unetFeeds(1))).out_sample?.data[0]).toBeCloseTo(1.35, 6);
      // This machine has the CPU-only install; on a GPU machine the CUDA provider loads and nothing is said.
      if (warnings.length > 0) {
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /^onnxruntime: the cuda execution provider is unavailable \(.+\); running every model on the CPU/,
        );
      }
    } finally {
      await cudaHost.close();
    }
  });
});

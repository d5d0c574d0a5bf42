// The worker-thread host: same answers as the in-process one, errors keep their code, and — the point of it — the
// caller's event loop keeps ticking while a deliberately slow model runs (onnxruntime-node 1.30 run() is synchronous).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Feed } from '../../../../src/core/diffusion/onnx/model-session.js';
import { startInferenceWorker } from '../../../../src/core/diffusion/onnx/worker-host.js';
import { tinyUNet, writeModel } from '../../../support/tiny-onnx.js';

const dir = mkdtempSync(path.join(tmpdir(), 'deforum-worker-'));
const host = startInferenceWorker({ intraOpThreads: 1 });
afterAll(() => host.close());

const feeds: Record<string, Feed> = {
  sample: { kind: 'float', dims: [2, 4, 8, 8], data: new Float32Array(512).fill(1) },
  timestep: { kind: 'float', dims: [2], data: new Float32Array([10, 20]) },
  encoder_hidden_states: { kind: 'float', dims: [2, 77, 768], data: new Float32Array(2 * 77 * 768).fill(0.5) },
};

describe('inference worker', () => {
  it('runs a model and leaves the caller its feeds', async () => {
    const file = path.join(dir, 'unet.onnx');
    writeModel(file, tinyUNet({ floatType: 'float16' }));
    const session = await host.open(file, 'unet');
    expect(session.inputs[0]).toEqual({ name: 'sample', type: 'float16', dims: ['batch', 4, 'height', 'width'] });
    const out = await session.run(feeds);
    expect(out.out_sample?.shape).toEqual([2, 4, 8, 8]);
    expect(out.out_sample?.data[0]).toBeCloseTo(1.01, 2);
    expect(out.out_sample?.data[300]).toBeCloseTo(1.02, 2);
    expect(feeds.sample?.data.length, 'the caller keeps its buffers').toBe(512);
  });

  it('keeps the main event loop ticking during a slow run', async () => {
    const file = path.join(dir, 'slow.onnx');
    writeModel(file, tinyUNet({ slowMatmuls: 120 }));
    const session = await host.open(file, 'unet');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await session.run(feeds);
    const elapsedMs = performance.now() - started;
    clearInterval(timer);
    // A blocked loop gives 0 ticks (runtime-notes C.3); a free one about elapsed/5.
    expect(elapsedMs).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(elapsedMs / 5 / 4);
  });

  it('sends a constant feed once per array and a new array again', async () => {
    const file = path.join(dir, 'context.onnx');
    writeModel(file, tinyUNet());
    const session = await host.open(file, 'unet');
    const withContext = (data: Float32Array): Record<string, Feed> => ({
      ...feeds,
      encoder_hidden_states: { kind: 'float', dims: [2, 77, 768], data, constant: true },
    });
    const context = new Float32Array(2 * 77 * 768).fill(0.5);
    const first = (await session.run(withContext(context))).out_sample?.data[0];
    // Breaking the promise shows what the worker ran with: the copy it kept at the first run, not this array.
    context.fill(3);
    expect((await session.run(withContext(context))).out_sample?.data[0]).toBe(first);
    const fresh = (await session.run(withContext(new Float32Array(2 * 77 * 768).fill(3)))).out_sample?.data[0];
    expect(fresh).toBeCloseTo((first ?? 0) + 2.5, 5);
  });

  it('rejects a bad feed with the same DeforumError as in-process', async () => {
    const file = path.join(dir, 'fixed.onnx');
    writeModel(file, tinyUNet({ batch: 1 }));
    const session = await host.open(file, 'unet');
    await expect(session.run(feeds)).rejects.toMatchObject({ details: { code: 'model_io_mismatch', input: 'sample' } });
    await expect(host.open(path.join(dir, 'absent.onnx'), 'unet')).rejects.toMatchObject({
      details: { code: 'model_load_failed', model: 'unet' },
    });
  });
});

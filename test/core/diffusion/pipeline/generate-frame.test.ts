// One frame through tiny SD-shaped exports with the registry's Euler sampler and the real CFG denoiser. The tiny
// UNet is analytic (test/support/tiny-onnx.ts), so a plain TypeScript replay of the same steps gives the expected
// latent; the order of random draws is the reference's (golden samplers README).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAIN_FRAME_SETTINGS } from '../../../support/plain-frame-settings.js';
import { loadComponents, type Components } from '../../../../src/core/diffusion/pipeline/components.js';
import {
  generateFrame,
  sampleToImage,
  type FrameRequest,
  type FrameSettings,
} from '../../../../src/core/diffusion/pipeline/generate-frame.js';
import { modelSchedule } from '../../../../src/core/diffusion/pipeline/model-schedule.js';
import type { SamplerName } from '../../../../src/core/diffusion/samplers/index.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import { latent } from '../../../../src/core/diffusion/tensor.js';
import { recordingRng } from '../../../support/test-rng.js';
import { TINY_LOGVAR, writeTinyExport, type ExportFolderOptions } from '../../../support/tiny-onnx.js';

const root = mkdtempSync(path.join(tmpdir(), 'deforum-frame-'));
const host = createSessionHost({ intraOpThreads: 1 });
const loaded: Components[] = [];
afterAll(() => host.close());

async function components(name: string, options: ExportFolderOptions = {}): Promise<Components> {
  const result = await loadComponents(writeTinyExport(path.join(root, name), options), host);
  loaded.push(result);
  return result;
}

const settings: FrameSettings = PLAIN_FRAME_SETTINGS;

async function frameOf(c: Components, request: Omit<FrameRequest, 'sampler'> & { sampler?: SamplerName }) {
  return generateFrame(c, modelSchedule(c.scheduler), settings, { sampler: 'euler', ...request });
}

/** The analytic tiny UNet replayed in TypeScript: eps = 0.5·x_in + 0.001·t + mean(context). */
function replayTxt2img(
  c: Components,
  prompt: string,
  negative: string,
  noise: Float32Array,
  steps: number,
  scale: number,
): Float32Array {
  const contextMean = (text: string) => {
    const ids = c.tokenizer.encode(text).chunks[0] ?? new Int32Array();
    const width = c.textEncoder.hiddenSize ?? 0;
    return (ids.reduce((a, b) => a + b, 0) / ids.length) * 1e-4 + ((width - 1) / 2) * 1e-3;
  };
  const [mc, mu] = [contextMean(prompt), contextMean(negative)];
  const schedule = modelSchedule(c.scheduler).discrete;
  const sigmas = schedule.getSigmas(steps);
  let x = Array.from(noise, (v) => v * (sigmas[0] ?? 0));
  for (let i = 0; i < steps; i++) {
    const [sigma = 0, next = 0] = [sigmas[i], sigmas[i + 1]];
    const cIn = 1 / Math.sqrt(sigma * sigma + 1);
    x = x.map((v) => {
      const eps = (m: number) => 0.5 * v * cIn + 0.001 * schedule.sigmaToT(sigma) + m;
      const [u, cond] = [v - sigma * eps(mu), v - sigma * eps(mc)];
      const denoised = u + (cond - u) * scale;
      return v + ((v - denoised) / sigma) * (next - sigma);
    });
  }
  return Float32Array.from(x);
}

const request = {
  prompt: 'a lake by Asher Brown Durand',
  negativePrompt: 'mountain',
  width: 64,
  height: 64,
  steps: 4,
  scale: 7,
};

describe('generateFrame', () => {
  it('txt2img: the start-noise draw, one churn draw per Euler step, the replayed latent', async () => {
    const c = await components('sd1');
    const rng = recordingRng(1);
    const steps: number[] = [];
    const frame = await frameOf(c, { ...request, rng, onProgress: (step) => steps.push(step) });
    expect(rng.draws).toEqual(Array.from({ length: 5 }, () => [1, 4, 8, 8]));
    expect(steps).toEqual([1, 2, 3, 4]);
    const expected = replayTxt2img(
      c,
      request.prompt,
      request.negativePrompt,
      recordingRng(1).randn([1, 4, 8, 8]),
      4,
      7,
    );
    for (let i = 0; i < expected.length; i++) expect(frame.latent.data[i]).toBeCloseTo(expected[i] ?? NaN, 3);
    expect(frame.sample.shape).toEqual([1, 3, 64, 64]);
    expect(frame.sample.data[0]).toBeCloseTo((frame.latent.data[0] ?? 0) / 0.18215, 4);
  });

  it('img2img at strength 1 keeps the VAE round trip of the init, drawing posterior, mask and start noise', async () => {
    const c = await components('sd1-img2img');
    const init = latent(
      [1, 3, 64, 64],
      Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => [0.5, -0.25, 0][Math.floor(i / 4096)] ?? 0),
    );
    const rng = recordingRng(7);
    const frame = await frameOf(c, { ...request, rng, init: { sample: init, strength: 1 } });
    expect(rng.draws).toEqual([
      [1, 4, 8, 8],
      [1, 4, 8, 8],
      [1, 4, 8, 8],
    ]);
    const posterior = recordingRng(7).randn([1, 4, 8, 8]);
    const means = [0.5, -0.25, 0, 0.5]; // latent channel c averages image channel c mod 3
    for (let i = 0; i < 256; i++) {
      const expected = ((means[Math.floor(i / 64)] ?? 0) + Math.exp(TINY_LOGVAR / 2) * (posterior[i] ?? 0)) * 0.18215;
      expect(frame.latent.data[i]).toBeCloseTo(expected, 5);
    }
  });

  it('img2img at strength 0.5 runs the last half of the schedule', async () => {
    const c = await components('sd1-half');
    const init = latent([1, 3, 64, 64], new Float32Array(3 * 64 * 64).fill(0.2));
    const progress: [number, number][] = [];
    await frameOf(c, {
      ...request,
      rng: recordingRng(3),
      init: { sample: init, strength: 0.5 },
      onProgress: (step, total) => progress.push([step, total]),
    });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it('DDIM img2img draws posterior, mask noise, the stochastic-encode noise, then one per step', async () => {
    const c = await components('sd1-ddim');
    const init = latent([1, 3, 64, 64], new Float32Array(3 * 64 * 64).fill(0.2));
    const rng = recordingRng(3);
    await frameOf(c, { ...request, sampler: 'ddim', steps: 10, rng, init: { sample: init, strength: 0.65 } });
    expect(rng.draws.length).toBe(3 + 3);
  });

  it('fp16, int64-timestep and batch-1 exports give the fp32 batched answer', async () => {
    const reference = await frameOf(await components('ref'), { ...request, rng: recordingRng(5) });
    // Relative tolerance: float16 keeps 11 significant bits, and the start latent is noise·14.6.
    const variants: [string, ExportFolderOptions, number][] = [
      ['fp16', { floatType: 'float16' }, 1e-2],
      ['batch1', { unetBatch: 1, timestep: 'float-one' }, 1e-5],
      ['int64-ids', { idsType: 'int64' }, 1e-5],
    ];
    for (const [name, options, tolerance] of variants) {
      const c = await components(name, options);
      if (name === 'batch1') expect(c.unet.batchesPair).toBe(false);
      const frame = await frameOf(c, { ...request, rng: recordingRng(5) });
      for (let i = 0; i < 256; i += 17) {
        const expected = reference.latent.data[i] ?? NaN;
        const error = Math.abs((frame.latent.data[i] ?? NaN) - expected);
        expect(error, `${name} [${i}]`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it('reports a truncated prompt', async () => {
    const c = await components('sd1-long');
    const frame = await frameOf(c, {
      ...request,
      steps: 1,
      prompt: `${'cat '.repeat(80)}`,
      rng: recordingRng(1),
    });
    expect(frame.warnings).toEqual([expect.stringMatching(/^prompt: The prompt is 80 tokens long; CLIP reads 75/)]);
  });
});

describe('sampleToImage', () => {
  it('maps [-1, 1] to 0..255 with clamping and truncation', () => {
    const values = [-2, -1, 0, 1, 3, 0.999, -0.5, 0.5, 0.25, 0, 0, 0];
    const image = sampleToImage(latent([1, 3, 2, 2], Float32Array.from(values)));
    // channel-planar in, interleaved out: pixel 0 = (values[0], values[4], values[8])
    expect([...image.data]).toEqual([0, 255, 159, 0, 254, 127, 127, 63, 127, 255, 191, 127]);
  });
});

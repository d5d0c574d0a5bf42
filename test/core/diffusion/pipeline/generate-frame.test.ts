// One frame through tiny SD-shaped exports with a test Euler sampler and a k-diffusion-style denoiser written here
// (the real ones are injected the same way). The tiny UNet is analytic (test/support/tiny-onnx.ts), so a plain
// TypeScript replay of the same steps gives the expected latent.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadComponents, type Components } from '../../../../src/core/diffusion/pipeline/components.js';
import {
  generateFrame,
  sampleToImage,
  type DenoiserInput,
  type FrameDeps,
} from '../../../../src/core/diffusion/pipeline/generate-frame.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import type { Sampler } from '../../../../src/core/diffusion/samplers/sampler.js';
import { latent, type Latent } from '../../../../src/core/diffusion/tensor.js';
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

const tOf = (sigma: number) => sigma * 10;

const euler: Sampler = async (x, sigmas, ctx) => {
  let current = Float32Array.from(x.data);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const [sigma = 0, next = 0] = [sigmas[i], sigmas[i + 1]];
    const denoised = await ctx.denoise(latent(x.shape, current), sigma);
    current = current.map((value, j) => value + ((value - (denoised.data[j] ?? 0)) / sigma) * (next - sigma));
    ctx.onStep?.({ step: i, total: sigmas.length - 1, sigma, x: latent(x.shape, current), denoised });
  }
  return latent(x.shape, current);
};

const seen: DenoiserInput[] = [];
const deps: FrameDeps = {
  sampler: euler,
  sigmasFor: (steps, strength) => {
    const full = Float32Array.from({ length: steps + 1 }, (_, i) => (i === steps ? 0 : 10 * 0.5 ** i));
    return full.slice(steps - Math.trunc((1 - strength) * steps));
  },
  makeDenoise: (input) => {
    seen.push(input);
    return async (x, sigma) => {
      const cIn = 1 / Math.sqrt(sigma * sigma + 1);
      const pair = await input.unet.predictPair(
        latent(
          x.shape,
          x.data.map((v) => v * cIn),
        ),
        tOf(sigma),
        input.contexts.uncond,
        input.contexts.cond,
      );
      const toX0 = (out: Latent) =>
        input.predictionType === 'epsilon'
          ? x.data.map((v, j) => v - sigma * (out.data[j] ?? 0))
          : x.data.map((v, j) => v / (sigma * sigma + 1) - (out.data[j] ?? 0) * sigma * cIn);
      const [u, c] = [toX0(pair.uncond), toX0(pair.cond)];
      return latent(
        x.shape,
        u.map((v, j) => v + ((c[j] ?? 0) - v) * input.scale),
      );
    };
  },
};

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
  const sigmas = deps.sigmasFor(steps, 0);
  let x = Array.from(noise, (v) => v * (sigmas[0] ?? 0));
  for (let i = 0; i < steps; i++) {
    const [sigma = 0, next = 0] = [sigmas[i], sigmas[i + 1]];
    const cIn = 1 / Math.sqrt(sigma * sigma + 1);
    x = x.map((v) => {
      const eps = (m: number) => 0.5 * v * cIn + 0.001 * tOf(sigma) + m;
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
  it('txt2img: one start-noise draw, the replayed latent, the notebook pixel conversion', async () => {
    const c = await components('sd1');
    const rng = recordingRng(1);
    const steps: number[] = [];
    const frame = await generateFrame(c, deps, { ...request, rng, onStep: (s) => steps.push(s.step) });
    expect(rng.draws).toEqual([[1, 4, 8, 8]]);
    expect(steps).toEqual([0, 1, 2, 3]);
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
    expect([frame.image.width, frame.image.height, frame.image.channels]).toEqual([64, 64, 3]);
    expect(seen.at(-1)?.predictionType).toBe('epsilon');
  });

  it('img2img at strength 1 keeps the VAE round trip of the init, drawing posterior, mask and start noise', async () => {
    const c = await components('sd1-img2img');
    const init = latent(
      [1, 3, 64, 64],
      Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => [0.5, -0.25, 0][Math.floor(i / 4096)] ?? 0),
    );
    const rng = recordingRng(7);
    const frame = await generateFrame(c, deps, { ...request, rng, init: { sample: init, strength: 1 } });
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

  it('img2img at strength 0.5 runs the last half of the schedule from init + noise·σ0', async () => {
    const c = await components('sd1-half');
    const init = latent([1, 3, 64, 64], new Float32Array(3 * 64 * 64).fill(0.2));
    const sigmas: number[] = [];
    await generateFrame(c, deps, {
      ...request,
      rng: recordingRng(3),
      init: { sample: init, strength: 0.5 },
      onStep: (s) => sigmas.push(s.sigma),
    });
    expect(sigmas).toEqual([10 * 0.5 ** 2, 10 * 0.5 ** 3]);
  });

  it('SD2: v-prediction reaches the denoiser with 1024-wide contexts', async () => {
    const c = await components('sd2', { variant: 'sd2' });
    const frame = await generateFrame(c, deps, { ...request, rng: recordingRng(2) });
    expect(seen.at(-1)?.predictionType).toBe('v_prediction');
    expect(seen.at(-1)?.contexts.cond.shape).toEqual([1, 77, 1024]);
    expect(frame.latent.data.every(Number.isFinite)).toBe(true);
  });

  it('fp16, int64-timestep and batch-1 exports give the fp32 batched answer', async () => {
    const reference = await generateFrame(await components('ref'), deps, { ...request, rng: recordingRng(5) });
    const variants: [string, ExportFolderOptions, number][] = [
      ['fp16', { floatType: 'float16' }, 1],
      ['batch1', { unetBatch: 1, timestep: 'float-one' }, 4],
      ['int64-ids', { idsType: 'int64' }, 4],
    ];
    for (const [name, options, digits] of variants) {
      const c = await components(name, options);
      if (name === 'batch1') expect(c.unet.batchesPair).toBe(false);
      const frame = await generateFrame(c, deps, { ...request, rng: recordingRng(5) });
      for (let i = 0; i < 256; i += 17)
        expect(frame.latent.data[i], `${name} [${i}]`).toBeCloseTo(reference.latent.data[i] ?? NaN, digits);
    }
  });

  it('reports a truncated prompt', async () => {
    const c = await components('sd1-long');
    const frame = await generateFrame(c, deps, {
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

// The FrameGenerator over tiny SD1 (epsilon) and SD2 (v_prediction) exports, loaded by the real loading code:
// every registered sampler, txt2img and img2img, seeds, strength → UNet calls, thresholds, masks, abort, errors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAIN_GENERATOR_OPTIONS } from '../../../support/plain-frame-settings.js';
import type { GenerateRequest } from '../../../../src/core/animation/frame-generator.js';
import { DeforumError } from '../../../../src/core/errors.js';
import type { MaskPlane } from '../../../../src/core/image/mask.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import { loadComponents, type Components } from '../../../../src/core/diffusion/pipeline/components.js';
import {
  createDiffusionGenerator,
  type DiffusionGeneratorOptions,
} from '../../../../src/core/diffusion/pipeline/diffusion-generator.js';
import { SAMPLERS, type SamplerName } from '../../../../src/core/diffusion/samplers/index.js';
import { latent, type Latent } from '../../../../src/core/diffusion/tensor.js';
import { writeTinyExport, type ExportFolderOptions } from '../../../support/tiny-onnx.js';

const root = mkdtempSync(path.join(tmpdir(), 'deforum-generator-'));
const host = createSessionHost({ intraOpThreads: 1 });
afterAll(() => host.close());

const cache = new Map<string, Promise<Components>>();
function components(name: string, options: ExportFolderOptions = {}): Promise<Components> {
  let loaded = cache.get(name);
  if (loaded === undefined) {
    loaded = loadComponents(writeTinyExport(path.join(root, name), options), host);
    cache.set(name, loaded);
  }
  return loaded;
}

/** The components with a UNet that records the batch of every call. */
function counting(c: Components): { components: Components; batches: number[] } {
  const batches: number[] = [];
  const unet = {
    ...c.unet,
    predict: (x: Latent, t: number, context: Latent) => (batches.push(x.shape[0] ?? 0), c.unet.predict(x, t, context)),
  };
  return { components: { ...c, unet }, batches };
}

const options: DiffusionGeneratorOptions = PLAIN_GENERATOR_OPTIONS;

const base: GenerateRequest = {
  frame: 0,
  seed: 42,
  prompt: 'a lake by Asher Brown Durand',
  negativePrompt: 'mountain',
  sampler: 'euler',
  steps: 4,
  scale: 7,
  width: 64,
  height: 64,
};

const initSample = latent(
  [1, 3, 64, 64],
  Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i / 50) * 0.8),
);
const img2img = (strength: number) => ({ ...base, init: { sample: initSample, strength } });

function maxDifference(a: Latent, b: Latent): number {
  return a.data.reduce((max, v, i) => Math.max(max, Math.abs(v - (b.data[i] ?? NaN))), 0);
}

const plane = (width: number, height: number, value: number): MaskPlane => ({
  width,
  height,
  data: new Float32Array(width * height).fill(value),
});

describe.each([
  ['SD1 epsilon', 'sd1', {} as ExportFolderOptions],
  ['SD2 v_prediction', 'sd2', { variant: 'sd2' } as ExportFolderOptions],
])('createDiffusionGenerator, %s', (_label, name, exportOptions) => {
  for (const sampler of Object.keys(SAMPLERS) as SamplerName[]) {
    it(`${sampler}: txt2img repeats for a seed, changes with another; img2img runs`, async () => {
      const generate = createDiffusionGenerator(await components(name, exportOptions), options);
      const first = await generate({ ...base, sampler });
      const again = await generate({ ...base, sampler });
      const other = await generate({ ...base, sampler, seed: 43 });
      expect(first.sample.shape).toEqual([1, 3, 64, 64]);
      expect(first.sample.data.every(Number.isFinite)).toBe(true);
      expect(maxDifference(first.sample, again.sample)).toBe(0);
      expect(maxDifference(first.sample, other.sample)).toBeGreaterThan(1e-3);

      const kept = await generate({ ...img2img(0.5), sampler });
      expect(kept.sample.shape).toEqual([1, 3, 64, 64]);
      expect(kept.sample.data.every(Number.isFinite)).toBe(true);
      expect(maxDifference(kept.sample, first.sample)).toBeGreaterThan(1e-3);
    });
  }

  it('the prediction type of the export is used (v differs from eps on the same UNet)', async () => {
    const c = await components(name, exportOptions);
    const swapped: Components = {
      ...c,
      scheduler: {
        ...c.scheduler,
        predictionType: c.scheduler.predictionType === 'epsilon' ? 'v_prediction' : 'epsilon',
      },
    };
    const ours = await createDiffusionGenerator(c, options)(base);
    const theirs = await createDiffusionGenerator(swapped, options)(base);
    expect(maxDifference(ours.sample, theirs.sample)).toBeGreaterThan(1e-2);
  });
});

describe('createDiffusionGenerator', () => {
  it('strength sets the UNet calls: steps actually run × one batched call', async () => {
    const c = await components('sd1');
    for (const sampler of ['euler', 'ddim', 'dpmpp_2m'] as const) {
      const cases: [number | undefined, number][] = [
        [undefined, 10],
        [0.65, 3],
        [0.35, 6],
        [0.9, 0],
        [1, 0],
      ];
      for (const [strength, calls] of cases) {
        const { components: counted, batches } = counting(c);
        const request = strength === undefined ? base : img2img(strength);
        await createDiffusionGenerator(counted, options)({ ...request, sampler, steps: 10 });
        expect(batches, `${sampler} strength ${strength}`).toEqual(new Array<number>(calls).fill(2));
      }
    }
  });

  it('cond_uncond_sync off makes two calls of batch 1 per step; scale 1 makes one', async () => {
    const c = await components('sd1');
    const unsynced = counting(c);
    await createDiffusionGenerator(unsynced.components, { ...options, cond_uncond_sync: false })(base);
    expect(unsynced.batches).toEqual(new Array<number>(8).fill(1));
    const unguided = counting(c);
    await createDiffusionGenerator(unguided.components, options)({ ...base, scale: 1 });
    expect(unguided.batches).toEqual(new Array<number>(4).fill(1));
  });

  it('thresholds change the result where the original applies them, and not in DDIM img2img', async () => {
    const c = await components('sd1');
    const plain = createDiffusionGenerator(c, options);
    for (const thresholds of [{ static_threshold: 0.5 }, { dynamic_threshold: 50 }]) {
      const clamped = createDiffusionGenerator(c, { ...options, ...thresholds });
      expect(maxDifference((await plain(base)).sample, (await clamped(base)).sample)).toBeGreaterThan(1e-2);
      const ddimImg2img = { ...img2img(0.5), sampler: 'ddim' as const };
      expect(maxDifference((await plain(ddimImg2img)).sample, (await clamped(ddimImg2img)).sample)).toBe(0);
    }
  });

  it('onStep reports steps done and the total; abort stops between steps', async () => {
    const { components: counted, batches } = counting(await components('sd1'));
    const generate = createDiffusionGenerator(counted, options);
    const progress: [number, number][] = [];
    await generate({ ...base, onStep: (step, total) => progress.push([step, total]) });
    expect(progress).toEqual([1, 2, 3, 4].map((step) => [step, 4]));

    batches.length = 0;
    const controller = new AbortController();
    const run = generate({
      ...base,
      steps: 10,
      signal: controller.signal,
      onStep: (step) => {
        if (step === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(batches.length).toBe(2);
  });

  it('a wrong-shaped init gets a clear error', async () => {
    const generate = createDiffusionGenerator(await components('sd1'), options);
    const wrong = { ...base, init: { sample: latent([1, 3, 32, 64]), strength: 0.5 } };
    const error = await generate(wrong).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'frame_request_invalid', field: 'init.sample' });
    expect((error as DeforumError).message).toMatch(/\[1, 3, 64, 64\].*got \[1, 3, 32, 64\]/);
  });

  it('latent mask: 0 repaints freely (as without a mask), 1 holds the init; overlay 1 returns the init', async () => {
    const c = await components('sd1');
    const request = img2img(0.25);
    const free = await createDiffusionGenerator(c, options)(request);
    const generate = createDiffusionGenerator(c, options);
    const masked = (value: number, overlay: boolean) =>
      generate({
        ...request,
        mask: {
          latent: plane(8, 8, value),
          overlay: overlay ? { mask: plane(64, 64, value), original: 'init' } : null,
        },
      });
    expect(maxDifference((await masked(0, false)).sample, free.sample)).toBe(0);
    expect(maxDifference((await masked(1, false)).sample, free.sample)).toBeGreaterThan(1e-2);
    expect(maxDifference((await masked(1, true)).sample, initSample)).toBe(0);
    await expect(
      masked(1, false).then(() => generate({ ...base, mask: { latent: plane(8, 8, 1), overlay: null } })),
    ).rejects.toThrow(/use_mask/);
  });

  it('promptBlend moves the conditioning: weight 0 gives the request prompts, 1 the blended-in pair', async () => {
    const generate = createDiffusionGenerator(await components('sd1'), options);
    const other = { prompt: 'a portrait by Artgerm', negativePrompt: 'blur' };
    const from = await generate(base);
    const to = await generate({ ...base, ...other });
    const blended = (weight: number) => generate({ ...base, promptBlend: { ...other, weight } });
    expect(maxDifference((await blended(0)).sample, from.sample)).toBe(0);
    expect(maxDifference((await blended(1)).sample, to.sample)).toBe(0);
    const half = (await blended(0.5)).sample;
    expect(maxDifference(half, from.sample)).toBeGreaterThan(0);
    expect(maxDifference(half, to.sample)).toBeGreaterThan(0);
  });

  it('init_noise applies to frame 0 (loaded from a file), not to later frames', async () => {
    const c = await components('sd1');
    const plain = createDiffusionGenerator(c, options);
    const noisy = createDiffusionGenerator(c, { ...options, initNoise: { amount: 0.5, frames: 'first' } });
    const request = img2img(0.5);
    expect(maxDifference((await plain(request)).sample, (await noisy(request)).sample)).toBeGreaterThan(1e-3);
    const later = { ...request, frame: 1 };
    expect(maxDifference((await plain(later)).sample, (await noisy(later)).sample)).toBe(0);
  });

  it('plms with an init runs as klms and says so', async () => {
    const warnings: string[] = [];
    const c = await components('sd1');
    const generate = createDiffusionGenerator(c, { ...options, onWarning: (w) => warnings.push(w) });
    const plms = await generate({ ...img2img(0.5), sampler: 'plms' });
    const klms = await generate({ ...img2img(0.5), sampler: 'klms' });
    expect(maxDifference(plms.sample, klms.sample)).toBe(0);
    expect(warnings).toEqual(['frame 0: plms cannot start from an init image; klms runs instead.']);
  });
});

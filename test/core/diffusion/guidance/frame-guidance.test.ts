// Guidance in a real generation over a tiny SD-shaped ONNX export: the images' VAE encodes draw from the frame's
// generator in the notebook's order, the render changes in the loss's direction, and ddim is refused before any
// UNet call.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAIN_FRAME_SETTINGS } from '../../../support/plain-frame-settings.js';
import { guidanceSettingsOf, type RenderGuidance } from '../../../../src/core/diffusion/guidance/guidance-settings.js';
import { linearDecode } from '../../../../src/core/diffusion/guidance/linear-decoder.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import { loadComponents, type Components } from '../../../../src/core/diffusion/pipeline/components.js';
import { generateFrame, type FrameSettings } from '../../../../src/core/diffusion/pipeline/generate-frame.js';
import { modelSchedule } from '../../../../src/core/diffusion/pipeline/model-schedule.js';
import type { Latent } from '../../../../src/core/diffusion/tensor.js';
import { DeforumError } from '../../../../src/core/errors.js';
import { createRawImage } from '../../../../src/core/image/raw-image.js';
import { DEFAULT_SETTINGS } from '../../../../src/core/settings/defaults.js';
import { deforumSettingsSchema, type DeforumSettings } from '../../../../src/core/settings/schema.js';
import { recordingRng } from '../../../support/test-rng.js';
import { writeTinyExport } from '../../../support/tiny-onnx.js';

const host = createSessionHost({ intraOpThreads: 1 });
afterAll(() => host.close());
let loaded: Promise<Components> | undefined;
const components = () =>
  (loaded ??= loadComponents(writeTinyExport(mkdtempSync(path.join(tmpdir(), 'deforum-guidance-'))), host));

const defaults: DeforumSettings = deforumSettingsSchema.parse(DEFAULT_SETTINGS);
const frameSettings: FrameSettings = PLAIN_FRAME_SETTINGS;

function image(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]) {
  const out = createRawImage('u8', width, height, 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.data.set(rgb(x, y), (y * width + x) * 3);
  return out;
}

function guidance(changes: Partial<DeforumSettings>): RenderGuidance {
  return {
    settings: guidanceSettingsOf({ ...defaults, grad_inject_timing: null, ...changes }),
    images: {
      init_mse_image: image(64, 64, (x) => [x * 4, 60, 200]),
      colormatch_image: image(40, 24, (x, y) => (x < 20 ? [250, 20, 20] : y < 12 ? [20, 20, 250] : [20, 250, 20])),
    },
  };
}

async function frame(sampler: 'euler' | 'ddim', guide?: RenderGuidance) {
  const c = await components();
  const rng = recordingRng(3);
  const settings = guide === undefined ? frameSettings : { ...frameSettings, guidance: guide };
  const result = await generateFrame(c, modelSchedule(c.scheduler), settings, {
    prompt: 'a red barn',
    negativePrompt: '',
    sampler,
    steps: 6,
    scale: 7,
    width: 64,
    height: 64,
    rng,
  });
  return { result, draws: rng.draws };
}

const blueOf = (x: Latent) =>
  linearDecode(x)
    .data.subarray(2 * 64)
    .reduce((a, v) => a + v, 0) / 64;

describe('guidance in generateFrame', () => {
  it('encodes init_mse_image, then colormatch_image, with the frame generator before the start noise', async () => {
    const { draws } = await frame('euler', guidance({ init_mse_scale: 1, colormatch_scale: 1 }));
    // Then euler's per-step churn draws.
    expect(draws.slice(0, 3)).toEqual([
      [1, 4, 8, 8],
      [1, 4, 3, 5],
      [1, 4, 8, 8],
    ]);
  });

  it('changes the render in the direction of the loss (blue_scale raises the blue of the final latent)', async () => {
    const plain = await frame('euler');
    const guided = await frame('euler', guidance({ blue_scale: 2000 }));
    expect(blueOf(guided.result.latent)).toBeGreaterThan(blueOf(plain.result.latent) + 0.01);
    const all = await frame('euler', guidance({ blue_scale: 5, init_mse_scale: 5, colormatch_scale: 5, var_scale: 5 }));
    expect(all.result.sample.data.every(Number.isFinite)).toBe(true);
    expect(all.result.latent.data).not.toEqual(plain.result.latent.data);
  });

  it('refuses ddim with a guidance scale before encoding the images or sampling', async () => {
    const error = await frame('ddim', guidance({ blue_scale: 1 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'setting_unsupported', setting: 'sampler' });
    expect((error as DeforumError).message).toBe(
      "sampler is 'ddim': conditioning gradients (blue_scale) work with the k-diffusion samplers only, as in the " +
        "notebook; use a sampler such as 'euler_ancestral' or 'dpmpp_2m', or set the guidance scales to 0.",
    );
  });
});

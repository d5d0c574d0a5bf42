import { describe, expect, it } from 'vitest';

import { prepareInit, type FrameChainInput } from '../../../src/core/animation/frame-chain.js';
import { planRender } from '../../../src/core/animation/render-plan.js';
import { checkRenderable } from '../../../src/core/animation/render-support.js';
import { createColorReference } from '../../../src/core/image/color-reference.js';
import {
  drawFrameNoise,
  frameNoiseRng,
  noisedSampleFromPixels,
  type DrawnFrameNoise,
} from '../../../src/core/image/frame-noise.js';
import { createRawImage } from '../../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';

const settings = checkRenderable(
  parseSettingsOrThrow(
    { animation_mode: '2D', W: 64, H: 64, seed: 5, max_frames: 3, color_coherence: 'None', noise_schedule: '0:(0.3)' },
    'test settings',
  ),
);
const plan = planRender(settings);
const previous = createRawImage('u8', 64, 64, 3);
for (let i = 0; i < previous.data.length; i++) previous.data[i] = (i * 13) & 255;

function input(seed: number, noise: DrawnFrameNoise | null): FrameChainInput {
  return {
    previous,
    frame: 1,
    camera: plan.camera,
    depthModel: null,
    color: createColorReference(plan.color),
    forceGrayscale: false,
    keys: { contrast: 1, kernel: 5, sigma: 1, amount: 0.2, threshold: 0, noise: 0.3 },
    seed,
    hybrid: null,
    overlay: null,
    noise,
  };
}

describe('prepareInit with noise drawn ahead', () => {
  it('adds the noise drawn for its seed, and draws its own for any other', async () => {
    const reference = await prepareInit(input(7, null));
    expect(Array.from(reference.sample.data)).toEqual(
      Array.from(noisedSampleFromPixels(reference.image, 0.3, frameNoiseRng(7)).data),
    );
    const ahead = await prepareInit(input(7, drawFrameNoise(7, [1, 3, 64, 64])));
    expect(Array.from(ahead.sample.data)).toEqual(Array.from(reference.sample.data));
    // Zeros drawn "for" seed 7 show which normals the chain took.
    const zeros = { seed: 7, normals: new Float32Array(3 * 64 * 64) };
    const taken = await prepareInit(input(7, zeros));
    expect(Array.from(taken.sample.data)).not.toEqual(Array.from(reference.sample.data));
    const other = await prepareInit(input(8, { seed: 7, normals: new Float32Array(3 * 64 * 64) }));
    expect(Array.from(other.sample.data)).toEqual(
      Array.from(noisedSampleFromPixels(other.image, 0.3, frameNoiseRng(8)).data),
    );
  });
});

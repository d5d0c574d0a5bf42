import { describe, expect, it } from 'vitest';

import { createTorchGenerator } from '../../../src/core/diffusion/torch-generator.js';
import { latent } from '../../../src/core/diffusion/tensor.js';
import { XoshiroNormal } from '../../../src/core/diffusion/xoshiro-normal.js';
import {
  addFrameNoise,
  drawFrameNoise,
  frameNoiseRng,
  NOISE_BLOCK,
  noisedSampleFromPixels,
  noisedSampleWithNoise,
  sampleFromPixels,
  sampleToPixels,
} from '../../../src/core/image/frame-noise.js';
import { createRawImage, rawImageFrom } from '../../../src/core/image/raw-image.js';
import type { Rng } from '../../../src/core/diffusion/rng.js';

const pixel = (...rgb: number[]) => rawImageFrom('u8', 1, 1, 3, Uint8Array.from(rgb));

describe('sampleFromPixels / sampleToPixels', () => {
  it.each([
    { byte: 0, sample: -1, back: 0 },
    { byte: 1, sample: -0.9921875, back: 0 },
    { byte: 7, sample: -0.9453125, back: 6 },
    { byte: 128, sample: 0.0039215087890625, back: 127 },
    { byte: 255, sample: 1, back: 255 },
  ])('$byte → $sample (float16) → $back (truncated)', ({ byte, sample, back }) => {
    const s = sampleFromPixels(pixel(byte, byte, byte));
    expect(s.data[0]).toBe(sample);
    expect(sampleToPixels(s).data[0]).toBe(back);
  });

  it('lays HWC pixels out as NCHW planes and back', () => {
    const image = rawImageFrom('u8', 2, 1, 3, Uint8Array.of(0, 128, 255, 255, 128, 0));
    const s = sampleFromPixels(image);
    expect(s.shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(s.data)).toEqual([-1, 1, 0.0039215087890625, 0.0039215087890625, 1, -1]);
    expect(Array.from(sampleToPixels(s).data)).toEqual([0, 127, 255, 255, 127, 0]);
  });

  it('clips samples outside [-1, 1], and NaN becomes 0', () => {
    expect(Array.from(sampleToPixels(latent([1, 1, 1, 3], Float32Array.of(-3, 2, Number.NaN))).data)).toEqual([
      0, 255, 0,
    ]);
  });

  it('rejects tensors that are not one image', () => {
    expect(() => sampleToPixels(latent([2, 3, 1, 1]))).toThrow(RangeError);
  });
});

describe('addFrameNoise', () => {
  it('amount 0 still draws but changes nothing', () => {
    const s = sampleFromPixels(pixel(10, 20, 30));
    const rng = createTorchGenerator(1);
    expect(Array.from(addFrameNoise(s, 0, rng).data)).toEqual(Array.from(s.data));
    expect(rng.randn([3])).not.toEqual(createTorchGenerator(1).randn([3]));
  });

  it('adds randn·amount and keeps the result on the float16 grid', () => {
    const s = latent([1, 1, 4, 4], new Float32Array(16));
    const noised = addFrameNoise(s, 0.1, createTorchGenerator(5));
    const raw = createTorchGenerator(5).randn([16]);
    noised.data.forEach((v, i) => {
      expect(Math.abs(v - (raw[i] ?? 0) * 0.1)).toBeLessThanOrEqual(2 ** -11 * Math.abs(v) + 1e-12);
      expect(v * 2 ** 24).toBe(Math.round(v * 2 ** 24));
    });
  });

  it('frameNoiseRng seeds the frame noise with the frame seed reduced modulo 2^32', () => {
    expect(frameNoiseRng(2 ** 32 + 5).randn([20])).toEqual(frameNoiseRng(5).randn([20]));
    expect(frameNoiseRng(42).randn([20])).not.toEqual(frameNoiseRng(43).randn([20]));
  });

  it('noisedSampleFromPixels equals addFrameNoise(sampleFromPixels(·)) with the same stream', () => {
    const bytes = Uint8Array.from({ length: 7 * 5 * 3 }, (_, i) => (i * 37) % 256);
    const image = rawImageFrom('u8', 7, 5, 3, bytes);
    for (const amount of [0, 0.02, 0.5, 3]) {
      const twoPass = addFrameNoise(sampleFromPixels(image), amount, frameNoiseRng(9));
      const onePass = noisedSampleFromPixels(image, amount, frameNoiseRng(9));
      expect(onePass.shape).toEqual(twoPass.shape);
      expect(Array.from(onePass.data)).toEqual(Array.from(twoPass.data));
    }
  });
});

describe('FrameNoise', () => {
  it('draws block b of NOISE_BLOCK values from its own stream, and continues with fresh blocks', () => {
    const rng = frameNoiseRng(42);
    const first = rng.randn([NOISE_BLOCK + 10]);
    const next = rng.randn([5]);
    const blocks = frameNoiseRng(42).randn([3 * NOISE_BLOCK]);
    expect(Array.from(first)).toEqual(Array.from(blocks.subarray(0, NOISE_BLOCK + 10)));
    expect(Array.from(next)).toEqual(Array.from(blocks.subarray(2 * NOISE_BLOCK, 2 * NOISE_BLOCK + 5)));
    // Blocks are separate streams, not one stream cut into pieces.
    const oneStream = new XoshiroNormal(42).randn([2 * NOISE_BLOCK]);
    expect(Array.from(blocks.subarray(NOISE_BLOCK, NOISE_BLOCK + 8))).not.toEqual(
      Array.from(oneStream.subarray(NOISE_BLOCK, NOISE_BLOCK + 8)),
    );
    expect(Array.from(blocks.subarray(0, 8))).not.toEqual(Array.from(blocks.subarray(NOISE_BLOCK, NOISE_BLOCK + 8)));
  });
});

describe('fused frame-noise path', () => {
  it('with FrameNoise gives the values of the generic randn-then-add path (blocks cross channel planes)', () => {
    const size = 70; // 70²×3 = 14700 values: several blocks, one partial, planes ending mid-block
    const image = createRawImage('u8', size, size, 3);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 37) & 255;
    const generic: Rng = { randn: (shape) => frameNoiseRng(77).randn(shape) };
    for (const amount of [0.02, 0.5]) {
      const expected = addFrameNoise(sampleFromPixels(image), amount, generic);
      expect(Array.from(noisedSampleFromPixels(image, amount, frameNoiseRng(77)).data)).toEqual(
        Array.from(expected.data),
      );
    }
  });
});

describe('frame noise drawn ahead', () => {
  const size = 70; // 70²×3 = 14700 values: several blocks, one partial, planes ending mid-block
  const image = createRawImage('u8', size, size, 3);
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 53) & 255;

  it('draws the normals a fresh frameNoiseRng draws first', () => {
    const drawn = drawFrameNoise(2 ** 32 + 77, [1, 3, size, size]);
    expect(drawn.seed).toBe(77);
    expect(Array.from(drawn.normals)).toEqual(Array.from(frameNoiseRng(77).randn([1, 3, size, size])));
  });

  it('noises an image as noisedSampleFromPixels does, written over the normals', () => {
    for (const amount of [0.02, 0.5]) {
      const drawn = drawFrameNoise(77, [1, 3, size, size]);
      const sample = noisedSampleWithNoise(image, amount, drawn);
      expect(Array.from(sample.data)).toEqual(
        Array.from(noisedSampleFromPixels(image, amount, frameNoiseRng(77)).data),
      );
      expect(sample.shape).toEqual([1, 3, size, size]);
      expect(sample.data).toBe(drawn.normals);
    }
  });

  it('refuses noise drawn for another size', () => {
    expect(() => noisedSampleWithNoise(image, 0.1, drawFrameNoise(77, [1, 3, size, size - 1]))).toThrow(RangeError);
  });
});

/**
 * Parity with the loop's frame noise (golden noise.json, README "noise.json + noise/"): contrast, unsharp mask,
 * `sample_from_cv2`, `torch.manual_seed(seed)`, `add_noise`, `.half()`. README tolerance: exact (≤ 1e-6) for a
 * bit-exact torch CPU randn port, which ours is, so raw noise, the float32 sum and the float16 result must be equal;
 * the statistics (mean within ±3·amt/√N, std within 2 %) are checked too. The conversion tables are exact.
 * The loop's own frame noise (`frameNoiseRng`) is not torch's stream (docs/deviations.md item 17): its draws are
 * checked against the same statistics, and `addFrameNoise` is checked bit for bit with torch's generator passed in.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { createTorchGenerator } from '../../src/core/diffusion/torch-generator.js';
import { decodeImage } from '../../src/core/image/codec.js';
import { applyContrast } from '../../src/core/image/contrast.js';
import {
  addFrameNoise,
  frameNoiseRng,
  noisedSampleFromPixels,
  sampleFromPixels,
  sampleToPixels,
} from '../../src/core/image/frame-noise.js';
import { rawImageFrom } from '../../src/core/image/raw-image.js';
import { unsharpMask } from '../../src/core/image/unsharp-mask.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { readNpy } from '../support/npy.js';

interface NoiseCase {
  id: string;
  seed: number;
  noise: number;
  contrast: number;
  input: string;
  noised_float32: string;
  noised_half: string;
  randn_raw: string;
  stats: { overall_noise_mean: number; overall_noise_std: number };
}

interface NoiseGolden {
  cases: NoiseCase[];
  conversion_tables: { sample_from_cv2: { values: number[] }; roundtrip_sample_to_cv2: { values: number[] } };
}

const golden = readGoldenJson<NoiseGolden>('noise.json');

/** The test support reads no float16 .npy; these files are version 1 with a little-endian `<f2` body. */
function readFloat16Npy(file: string): Float64Array {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const body = bytes.subarray(10 + headerLength);
  const out = new Float64Array(body.length / 2);
  for (let i = 0; i < out.length; i++) {
    const bits = body.readUInt16LE(i * 2);
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    out[i] = exponent === 0 ? sign * mantissa * 2 ** -24 : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) count++;
  return count;
}

describe('golden noise.json', () => {
  it('sample_from_cv2 table: every uint8 value, exact float16', () => {
    const bytes = rawImageFrom(
      'u8',
      256,
      1,
      1,
      Uint8Array.from({ length: 256 }, (_, i) => i),
    );
    expect(Array.from(sampleFromPixels(bytes).data)).toEqual(golden.conversion_tables.sample_from_cv2.values);
  });

  it('sample_to_cv2 round trip: lossy truncation, exact', () => {
    const bytes = rawImageFrom(
      'u8',
      256,
      1,
      1,
      Uint8Array.from({ length: 256 }, (_, i) => i),
    );
    expect(Array.from(sampleToPixels(sampleFromPixels(bytes)).data)).toEqual(
      golden.conversion_tables.roundtrip_sample_to_cv2.values,
    );
  });

  it.each(golden.cases)('$id: raw noise, float32 sum and float16 result are bit-exact', async (c) => {
    const input = await decodeImage(goldenPath(c.input));
    const sharpened = await unsharpMask(applyContrast(input, c.contrast), {
      kernel: 5,
      sigma: 1,
      amount: 0.2,
      threshold: 0,
    });
    const sample = sampleFromPixels(sharpened);
    expect(sample.shape).toEqual([1, 3, input.height, input.width]);

    const raw = createTorchGenerator(c.seed).randn(sample.shape);
    expect(mismatches(raw, readNpy(goldenPath(c.randn_raw)).data), 'randn_raw').toBe(0);

    const expectedF32 = readNpy(goldenPath(c.noised_float32)).data;
    const scale = Math.fround(c.noise);
    const sumF32 = sample.data.map((s, i) => Math.fround(s + Math.fround((raw[i] ?? 0) * scale)));
    expect(mismatches(sumF32, expectedF32), 'noised_f32').toBe(0);

    const expectedHalf = readFloat16Npy(goldenPath(c.noised_half));
    const noised = addFrameNoise(sample, c.noise, createTorchGenerator(c.seed));
    expect(mismatches(noised.data, expectedHalf), 'noised_f16').toBe(0);
    const onePass = noisedSampleFromPixels(sharpened, c.noise, createTorchGenerator(c.seed));
    expect(onePass.shape).toEqual(sample.shape);
    expect(mismatches(onePass.data, expectedHalf), 'noised_f16 (one pass)').toBe(0);

    const n = raw.length;
    const noise = raw.map((v) => v * c.noise);
    const mean = noise.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(Math.abs(mean - c.stats.overall_noise_mean)).toBeLessThanOrEqual((3 * c.noise) / Math.sqrt(n) + 1e-9);
    expect(Math.abs(std - c.stats.overall_noise_std)).toBeLessThanOrEqual(0.02 * c.stats.overall_noise_std + 1e-9);
  });

  it.each(golden.cases)('$id: the loop’s frame noise has the golden statistics', (c) => {
    const n = readNpy(goldenPath(c.randn_raw)).data.length;
    const raw = frameNoiseRng(c.seed).randn([n]);
    const noise = raw.map((v) => v * c.noise);
    const mean = noise.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    // Two independent draws: their means differ by about √2·amt/√N (one σ), so 4·amt/√N is about 2.8 σ.
    expect(Math.abs(mean - c.stats.overall_noise_mean)).toBeLessThanOrEqual((4 * c.noise) / Math.sqrt(n) + 1e-9);
    expect(Math.abs(std - c.stats.overall_noise_std)).toBeLessThanOrEqual(0.02 * c.stats.overall_noise_std + 1e-9);
  });
});

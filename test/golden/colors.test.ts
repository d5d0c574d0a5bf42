/**
 * Parity with the notebook's colour coherence (`maintain_colors`) and force-grayscale conversions
 * (golden/colors.json, README "colors.json + colors/"). Tolerances from the README: RGB matching exact (≤ 1
 * allowed); HSV/LAB max |diff| ≤ 3 and mean ≤ 0.5 (OpenCV's fixed-point conversions); grayscale ±1.
 * A failing case logs its max/mean |diff| and writes a diff image (|diff| × 32) to a temporary folder.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { matchColors } from '../../src/core/image/color-coherence.js';
import { decodeImage } from '../../src/core/image/codec.js';
import { grayscaleCv2OnRgb, grayscalePil } from '../../src/core/image/grayscale.js';
import { toFloat32, type RawImage } from '../../src/core/image/raw-image.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { diffStats, writeDiffPng } from '../support/image-diff.js';
import { readNpy } from '../support/npy.js';

interface ColorsCase {
  mode: string;
  source: string;
  reference?: string;
  output: string;
  source_transform?: string;
}

interface Tolerance {
  max: number;
  mean: number;
}

const { cases } = readGoldenJson<{ cases: ColorsCase[] }>('colors.json');

const MATCH_TOLERANCE: Record<string, Tolerance> = {
  'Match Frame 0 RGB': { max: 1, mean: 1 },
  'Match Frame 0 HSV': { max: 3, mean: 0.5 },
};
const LAB_TOLERANCE: Tolerance = { max: 3, mean: 0.5 };
const GRAYSCALE_TOLERANCE: Tolerance = { max: 1, mean: 1 };

/** The golden float input: `src.astype(float32) * 0.75 + 10.3` in numpy float32 arithmetic. */
function cadenceLikeFloat(source: RawImage<'u8'>): RawImage<'f32'> {
  const out = toFloat32(source);
  const offset = Math.fround(10.3);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.fround(Math.fround((out.data[i] ?? 0) * 0.75) + offset);
  return out;
}

async function runCase(
  c: ColorsCase,
): Promise<{ actual: RawImage; expected: ArrayLike<number>; tolerance: Tolerance }> {
  const source = await decodeImage(goldenPath(c.source));
  switch (c.mode) {
    case 'force_grayscale_cv2_uint8':
      return {
        actual: grayscaleCv2OnRgb(source),
        expected: (await decodeImage(goldenPath(c.output))).data,
        tolerance: GRAYSCALE_TOLERANCE,
      };
    case 'force_grayscale_cv2_float32':
      expect(c.source_transform).toBe('src.astype(float32) * 0.75 + 10.3');
      return {
        actual: grayscaleCv2OnRgb(cadenceLikeFloat(source)),
        expected: readNpy(goldenPath(c.output)).data,
        tolerance: GRAYSCALE_TOLERANCE,
      };
    case 'force_grayscale_pil':
      return {
        actual: grayscalePil(source),
        expected: (await decodeImage(goldenPath(c.output))).data,
        tolerance: GRAYSCALE_TOLERANCE,
      };
    default: {
      if (c.reference === undefined) throw new Error(`Case ${c.mode} has no reference image.`);
      const reference = await decodeImage(goldenPath(c.reference));
      return {
        actual: await matchColors(source, reference, c.mode),
        expected: (await decodeImage(goldenPath(c.output))).data,
        tolerance: MATCH_TOLERANCE[c.mode] ?? LAB_TOLERANCE,
      };
    }
  }
}

describe('colour coherence and grayscale golden parity', () => {
  const exact: string[] = [];

  it.each(cases.map((c) => [c.mode, c] as const))('%s matches the notebook', async (mode, c) => {
    const { actual, expected, tolerance } = await runCase(c);
    expect(actual.data.length, `${mode}: sample count`).toBe(expected.length);
    const stats = diffStats(actual.data, expected);
    if (stats.max > tolerance.max || stats.mean > tolerance.mean) {
      const file = await writeDiffPng('colors', mode, actual, expected);
      console.log(`${mode}: max |diff| ${stats.max}, mean ${stats.mean.toFixed(4)}; diff image ${file}`);
    }
    expect(stats.max, `${mode}: max |diff|`).toBeLessThanOrEqual(tolerance.max);
    expect(stats.mean, `${mode}: mean |diff|`).toBeLessThanOrEqual(tolerance.mean);
    if (stats.max === 0) exact.push(mode);
  });

  afterAll(() => {
    console.log(`colors: ${exact.length}/${cases.length} cases bit-exact (${exact.join(', ')})`);
  });
});

/** Comparing an image against a golden one: the expected samples, |diff| statistics and a diff PNG to look at. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { decodeImage, writePng } from '../../src/core/image/codec.js';
import { createRawImage, type RawImage } from '../../src/core/image/raw-image.js';
import { goldenPath } from './golden.js';
import { readNpy } from './npy.js';

/** The samples of a golden output: a `.npy` array (float cases) or a decoded image. */
export async function readGoldenSamples(file: string): Promise<ArrayLike<number>> {
  return file.endsWith('.npy') ? readNpy(goldenPath(file)).data : (await decodeImage(goldenPath(file))).data;
}

export interface DiffStats {
  max: number;
  mean: number;
  /** Values whose |diff| is above the `limit` given. */
  outliers: number;
  differing: number;
}

export function diffStats(actual: ArrayLike<number>, expected: ArrayLike<number>, limit = Infinity): DiffStats {
  let max = 0;
  let sum = 0;
  let outliers = 0;
  let differing = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN));
    max = Math.max(max, d);
    sum += d;
    if (d > limit) outliers++;
    if (d !== 0) differing++;
  }
  return { max, mean: sum / expected.length, outliers, differing };
}

/** Writes |actual − expected| × 32 as a PNG to a new temporary folder `<topic>-diff-*` and returns its path. */
export async function writeDiffPng(
  topic: string,
  name: string,
  actual: RawImage,
  expected: ArrayLike<number>,
): Promise<string> {
  const diff = createRawImage('u8', actual.width, actual.height, actual.channels);
  for (let i = 0; i < diff.data.length; i++) {
    diff.data[i] = Math.min(255, Math.abs((actual.data[i] ?? 0) - (expected[i] ?? 0)) * 32);
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), `${topic}-diff-`)), `${name.replace(/\W+/g, '_')}.png`);
  await writePng(diff, file);
  return file;
}

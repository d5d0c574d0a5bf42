import { describe, expect, it } from 'vitest';

import { isDeforumError } from '../../../src/core/errors.js';
import { applyContrast, type ContrastImage } from '../../../src/core/image/contrast.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';
import { unsharpMask, type UnsharpMaskParams } from '../../../src/core/image/unsharp-mask.js';

const flat = (value: number, width = 8, height = 6): ContrastImage => ({
  width,
  height,
  channels: 1,
  data: new Float64Array(width * height).fill(value),
});
const defaults: UnsharpMaskParams = { kernel: 5, sigma: 1, amount: 0.2, threshold: 0 };

describe('unsharpMask', () => {
  it.each([
    { value: 0.5, expected: 0 },
    { value: 1.5, expected: 2 },
    { value: 2.5, expected: 2 },
    { value: 254.7, expected: 255 },
    { value: 300, expected: 255 },
    { value: -4, expected: 0 },
  ])('amount 0 rounds $value half to even and clips → $expected', async ({ value, expected }) => {
    const out = await unsharpMask(flat(value), { ...defaults, amount: 0 });
    expect(out.data.every((v) => v === expected)).toBe(true);
  });

  it('sharpens an edge: both sides move away from each other', async () => {
    const data = new Float64Array(8 * 6);
    for (let i = 0; i < data.length; i++) data[i] = i % 8 < 4 ? 100 : 150;
    const out = await unsharpMask({ width: 8, height: 6, channels: 1, data }, { ...defaults, amount: 1 });
    expect(out.data[3]).toBeLessThan(100);
    expect(out.data[4]).toBeGreaterThan(150);
    expect(out.data[0]).toBe(100);
  });

  it('kernel 1 does not blur, so any amount leaves the image as is', async () => {
    const image = applyContrast(rawImageFrom('u8', 3, 1, 1, Uint8Array.of(0, 200, 30)), 1);
    const out = await unsharpMask(image, { ...defaults, kernel: 1, amount: 3 });
    expect(Array.from(out.data)).toEqual([0, 200, 30]);
  });

  it.each([
    { kernel: 4, sigma: 1, pattern: /kernel_schedule gives 4 at frame 7: .*odd kernel size/ },
    { kernel: 0, sigma: 0, pattern: /kernel_schedule gives 0 at frame 7: .*sigma_schedule > 0/ },
    { kernel: 2.5, sigma: 1, pattern: /kernel_schedule gives 2.5 at frame 7/ },
    { kernel: 5, sigma: Number.NaN, pattern: /sigma_schedule gives NaN at frame 7/ },
  ])('kernel $kernel, sigma $sigma is a DeforumError', async ({ kernel, sigma, pattern }) => {
    const error = await unsharpMask(flat(10), { ...defaults, kernel, sigma, frame: 7 }).catch((e: unknown) => e);
    expect(isDeforumError(error)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
  });

  it('kernel 0 with sigma > 0 derives the size from sigma (no error)', async () => {
    await expect(unsharpMask(flat(10), { ...defaults, kernel: 0, sigma: 1.5 })).resolves.toBeDefined();
  });

  it('threshold keeps low-contrast pixels and sharpens the rest (F, item 14)', async () => {
    const data = new Float64Array(8 * 6);
    for (let i = 0; i < data.length; i++) data[i] = i % 8 < 4 ? 100 : 101;
    data[8 * 3 + 6] = 200;
    const image = { width: 8, height: 6, channels: 1 as const, data };
    const out = await unsharpMask(image, { ...defaults, amount: 2, threshold: 5 });
    const plain = await unsharpMask(image, { ...defaults, amount: 2 });
    expect(out.data[8 * 3 + 6]).toBe(plain.data[8 * 3 + 6]);
    expect(out.data[3]).toBe(100);
    expect(plain.data[3]).not.toBe(100);
  });
});

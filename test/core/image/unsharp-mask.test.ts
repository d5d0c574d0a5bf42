import { describe, expect, it } from 'vitest';

import { isDeforumError } from '../../../src/core/errors.js';
import { applyContrast, type ContrastImage } from '../../../src/core/image/contrast.js';
import { loadOpenCv, withMats } from '../../../src/core/image/opencv.js';
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

/** The previous implementation: opencv.js's own GaussianBlur on a CV_64F Mat, then the sharpening per value. */
async function unsharpThroughOpenCv(image: ContrastImage, params: UnsharpMaskParams): Promise<Uint8Array> {
  const { cv } = await loadOpenCv();
  const types = { 1: cv.CV_64FC1, 3: cv.CV_64FC3, 4: cv.CV_64FC4 } as const;
  const size = params.kernel <= 0 ? Math.round(params.sigma * 8 + 1) | 1 : params.kernel;
  const out = new Uint8Array(image.data.length);
  withMats((track) => {
    const src = track(new cv.Mat(image.height, image.width, types[image.channels]));
    src.data64F.set(image.data);
    const blurred = track(new cv.Mat());
    cv.GaussianBlur(src, blurred, new cv.Size(size, size), params.sigma, params.sigma, cv.BORDER_REFLECT_101);
    const blur = blurred.data64F;
    for (let i = 0; i < out.length; i++) {
      const original = image.data[i] as number;
      const low = blur[i] as number;
      const kept = params.threshold > 0 && Math.abs(original - low) < params.threshold;
      const value = kept ? original : (params.amount + 1) * original - params.amount * low;
      const floor = Math.floor(value);
      const diff = value - floor;
      const even = diff < 0.5 ? floor : diff > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
      out[i] = value <= 0 ? 0 : value >= 255 ? 255 : even;
    }
  });
  return out;
}

describe('unsharpMask against the per-value JavaScript sharpening', () => {
  it.each([
    { w: 64, h: 48, c: 3 as const, kernel: 5, sigma: 1, amount: 0.2, threshold: 0, contrast: 1 },
    { w: 37, h: 29, c: 3 as const, kernel: 5, sigma: 1, amount: 0.2, threshold: 0, contrast: 1.3 },
    { w: 33, h: 17, c: 1 as const, kernel: 3, sigma: 0.8, amount: 1.5, threshold: 0, contrast: 0.9 },
    { w: 20, h: 21, c: 4 as const, kernel: 7, sigma: 2.5, amount: 0.7, threshold: 4, contrast: 1.1 },
    { w: 9, h: 6, c: 3 as const, kernel: 9, sigma: 1.7, amount: 3, threshold: 0, contrast: 1 },
    { w: 40, h: 40, c: 3 as const, kernel: 0, sigma: 1.2, amount: 0.5, threshold: 0, contrast: 1 },
    { w: 3, h: 2, c: 1 as const, kernel: 5, sigma: 1, amount: 0.2, threshold: 0, contrast: 1 },
    { w: 1, h: 1, c: 3 as const, kernel: 5, sigma: 1, amount: 0.2, threshold: 0, contrast: 1 },
    // Exact halves: in flat areas the blur equals the pixel, and 1.5 × an odd value ends in .5.
    { w: 32, h: 32, c: 3 as const, kernel: 5, sigma: 1, amount: 0, threshold: 0, contrast: 1.5 },
    { w: 32, h: 32, c: 3 as const, kernel: 5, sigma: 1, amount: -1, threshold: 0, contrast: 2.5 },
  ])('$w×$h×$c kernel $kernel sigma $sigma: bit-identical', async ({ w, h, c, contrast, ...params }) => {
    let state = 12345 + w * 7 + h;
    const bytes = Uint8Array.from({ length: w * h * c }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    });
    const input = applyContrast(rawImageFrom('u8', w, h, c, bytes), contrast);
    const ours = await unsharpMask(input, params);
    expect(Array.from(ours.data)).toEqual(Array.from(await unsharpThroughOpenCv(input, params)));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { matchHistograms, referenceHistogram } from '../../../src/core/image/histogram-match.js';
import { rawImageFrom, type ChannelCount, type RawImage } from '../../../src/core/image/raw-image.js';
import { sortHistogramMatch } from '../../support/sort-histogram-match.js';

function gray(values: number[]): RawImage<'u8'> {
  return rawImageFrom('u8', values.length, 1, 1, Uint8Array.from(values));
}

const image = (channels: ChannelCount) =>
  fc
    .record({ width: fc.integer({ min: 1, max: 12 }), height: fc.integer({ min: 1, max: 12 }) })
    .chain(({ width, height }) =>
      fc
        .uint8Array({ minLength: width * height * channels, maxLength: width * height * channels })
        .map((data) => rawImageFrom('u8', width, height, channels, data)),
    );

describe('matchHistograms', () => {
  it.each([
    // Quantiles 0.5, 0.75, 1 looked up in (0.25 → 10, 0.75 → 20, 1 → 30).
    { source: [0, 0, 1, 2], reference: [10, 20, 20, 30], expected: [15, 15, 20, 30] },
    // 2/3 falls halfway between the reference's 1/3 → 0 and 1 → 255: 127.5 truncates to 127, not 128.
    { source: [0, 1, 2], reference: [0, 255, 255], expected: [0, 127, 255] },
    // Below the reference's first quantile: clamped to its smallest value.
    { source: [5, 6, 7, 8], reference: [40, 40, 40, 90], expected: [40, 40, 40, 90] },
  ])('maps $source onto $reference as skimage 0.19 does', ({ source, reference, expected }) => {
    expect(Array.from(matchHistograms(gray(source), gray(reference)).data)).toEqual(expected);
  });

  it('is the identity when an image is matched to itself', () => {
    fc.assert(
      fc.property(image(3), (img) => {
        expect(Array.from(matchHistograms(img, img).data)).toEqual(Array.from(img.data));
      }),
    );
  });

  it('maps a constant source channel to the reference maximum, and anything to a constant reference', () => {
    expect(Array.from(matchHistograms(gray([9, 9, 9]), gray([3, 50, 200])).data)).toEqual([200, 200, 200]);
    expect(Array.from(matchHistograms(gray([0, 128, 255, 7]), gray([42, 42])).data)).toEqual([42, 42, 42, 42]);
  });

  it('keeps the order of values within each channel (monotonic mapping)', () => {
    fc.assert(
      fc.property(image(3), image(3), (src, ref) => {
        const out = matchHistograms(src, ref).data;
        for (let c = 0; c < 3; c++) {
          const pairs: (readonly [number, number])[] = [];
          for (let i = c; i < src.data.length; i += 3) pairs.push([src.data[i] ?? 0, out[i] ?? 0] as const);
          pairs.sort((a, b) => a[0] - b[0]);
          pairs.forEach(([, value], k) => expect(value).toBeGreaterThanOrEqual(pairs[k - 1]?.[1] ?? 0));
        }
      }),
    );
  });

  it('equals the straightforward sort-based port on any images, also of different sizes', () => {
    fc.assert(
      fc.property(image(3), image(3), (src, ref) => {
        expect(Array.from(matchHistograms(src, ref).data)).toEqual(Array.from(sortHistogramMatch(src, ref).data));
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same result from a prepared reference histogram', () => {
    fc.assert(
      fc.property(image(4), image(4), (src, ref) => {
        expect(matchHistograms(src, referenceHistogram(ref)).data).toEqual(matchHistograms(src, ref).data);
      }),
    );
  });

  it('rejects images with different channel counts', () => {
    const rgb = rawImageFrom('u8', 1, 1, 3, Uint8Array.of(1, 2, 3));
    expect(() => matchHistograms(rgb, gray([1]))).toThrow(/same channel count/);
  });
});

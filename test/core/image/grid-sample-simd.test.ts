/**
 * The SIMD rows (grid-sample-simd.ts) against the point-by-point reference (grid-sample.ts `gridSample` on the
 * float32 samples plus the offset, then clamped and stored): the same bytes, for every sampling mode, padding,
 * channel count, source and output type, row split, and grids inside, along and past the edges, NaN and infinite.
 */
import { describe, expect, it } from 'vitest';

import { sampleRowsClamped } from '../../../src/core/image/grid-sample-simd.js';
import {
  gridSample,
  type GridSampleOptions,
  type PaddingMode,
  type SamplingMode,
} from '../../../src/core/image/grid-sample.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';

const OFFSET = Math.fround(1 / 512 - 0.0001);
const PADDINGS: PaddingMode[] = ['border', 'reflection', 'zeros'];
const MODES: SamplingMode[] = ['bicubic', 'bilinear', 'nearest'];

let state = 2024;
const random = (): number => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 2 ** 32;
};

/**
 * Grid kinds: a mild warp (almost every point inside), anywhere around the image, a 1/64 lattice (exact pixel
 * centres, halves for nearest's ties), specials.
 */
function gridValue(kind: number, i: number, size: number): number {
  const identity = (((i >> 1) % size) * 2 + 1) / size - 1;
  switch (kind) {
    case 0:
      return identity + (random() - 0.5) * 0.2;
    case 1:
      return random() * 3 - 1.5;
    case 2:
      return Math.round((random() * 2.4 - 1.2) * 64) / 64;
    default: {
      const special = [Number.NaN, Infinity, -Infinity, 1e30, -1e30, 2 ** 25, -(2 ** 25), 0, -1, 1];
      return random() < 0.3 ? (special[Math.floor(random() * special.length)] ?? 0) : random() * 2.4 - 1.2;
    }
  }
}

function randomSource(channels: number, length: number, bytes: boolean): Float32Array | Uint8Array {
  if (bytes) return Uint8Array.from({ length }, () => (random() < 0.2 ? 255 * Math.round(random()) : random() * 256));
  // Float32 frames: mostly 0..255, some past both ends, signed zeros, a few infinities (a zero weight must not
  // make them NaN where the reference skips the tap).
  return Float32Array.from({ length }, () => {
    const r = random();
    if (r < 0.01) return r < 0.005 ? Infinity : -Infinity;
    return r < 0.05 ? -0 : r < 0.1 ? 0 : r < 0.15 ? random() * 600 - 300 : random() * 255;
  });
}

/** The reference bytes of the output: `gridSample` of f32(sample + offset), clamped, stored as `dst` stores. */
function reference(
  src: Float32Array | Uint8Array,
  size: { width: number; height: number; channels: 1 | 3 | 4 },
  grid: Float32Array,
  options: GridSampleOptions,
  dst: Float32Array | Uint8Array,
): Uint8Array {
  const shifted = Float32Array.from(src, (v) => v + OFFSET);
  const image = rawImageFrom('f32', size.width, size.height, size.channels, shifted);
  const samples = gridSample(image, { ...size, data: grid }, options).data;
  const out = new (dst.constructor as new (length: number) => Float32Array | Uint8Array)(dst.length);
  samples.forEach((v, i) => (out[i] = v < 0 ? 0 : v > 255 ? 255 : v));
  return new Uint8Array(out.buffer);
}

describe('sampleRowsClamped', () => {
  it.each(MODES)('gives the %s reference bytes for every padding, channel count, source and output type', (mode) => {
    let compared = 0;
    for (let t = 0; t < 48; t++) {
      const width = t < 6 ? 1 + t : 3 + Math.floor(random() * 45);
      const height = t < 6 ? 6 - t : 3 + Math.floor(random() * 30);
      const channels = ([1, 3, 4] as const)[t % 3] ?? 3;
      const kind = Math.floor(t / 3) % 4;
      const bytes = t % 2 === 0;
      const grid = Float32Array.from({ length: width * height * 2 }, (_, i) =>
        gridValue(kind, i, i % 2 === 0 ? width : height),
      );
      const size = { width, height, channels };
      for (const padding of PADDINGS) {
        for (const floatOutput of [true, false]) {
          // A new image each time: rows a call failed to load would still hold the last call's.
          const src = randomSource(channels, width * height * channels, bytes);
          const dst = floatOutput ? new Float32Array(src.length) : new Uint8Array(src.length);
          // Rows in two or three calls, as the image pool splits them.
          const cut = Math.floor(random() * height);
          const cuts = [0, cut, Math.min(height, cut + 1 + Math.floor(random() * 10)), height];
          for (let c = 0; c + 1 < cuts.length; c++) {
            const source = { data: src, ...size, offset: OFFSET };
            const rows = [cuts[c] ?? 0, cuts[c + 1] ?? 0] as const;
            sampleRowsClamped(source, { mode, padding }, ...rows, fillFrom(grid, width), dst);
          }
          const expected = reference(src, size, grid, { mode, padding }, dst);
          expect(new Uint8Array(dst.buffer), `case ${t}, ${padding}, ${dst.constructor.name}`).toEqual(expected);
          compared += dst.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(100_000);
  });

  it.each(MODES)('takes %s images of any size one after the other, growing its memory', (mode) => {
    for (const [width, height] of [
      [16, 12],
      [300, 260],
      [20, 10],
    ] as const) {
      const src = randomSource(3, width * height * 3, true);
      const grid = Float32Array.from({ length: width * height * 2 }, (_, i) =>
        gridValue(0, i, i % 2 === 0 ? width : height),
      );
      const dst = new Uint8Array(src.length);
      sampleRowsClamped(
        { data: src, width, height, channels: 3, offset: OFFSET },
        { mode, padding: 'border' },
        0,
        height,
        fillFrom(grid, width),
        dst,
      );
      expect(dst).toEqual(reference(src, { width, height, channels: 3 }, grid, { mode, padding: 'border' }, dst));
    }
  });
});

/** `fillGrid` reading rows of a whole grid. */
function fillFrom(grid: Float32Array, width: number): (start: number, end: number, out: Float32Array) => void {
  return (start, end, out) => out.set(grid.subarray(2 * start * width, 2 * end * width));
}

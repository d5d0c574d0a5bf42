import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DeforumError } from '../../../src/core/errors.js';
import { decodeImage, encodePng, resizeImage, writePng } from '../../../src/core/image/codec.js';
import { createRawImage, rawImageFrom } from '../../../src/core/image/raw-image.js';

/** PNG IHDR: bit depth at byte 24, colour type at byte 25. */
function pngHeader(png: Uint8Array): { width: number; height: number; bitDepth: number; colourType: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: png[24] ?? 0, colourType: png[25] ?? 0 };
}

/** The 16-bit samples of a PNG, read independently of the codec under test. */
async function samples16(png: Uint8Array): Promise<number[]> {
  const raw = await sharp(png).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer();
  return Array.from(new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2));
}

function noise(width: number, height: number, channels: 3 | 4): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 97 + (i >> 3) * 31) % 256;
  return data;
}

describe('codec', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deforum-codec-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips 8-bit RGB through PNG losslessly', async () => {
    const image = rawImageFrom('u8', 7, 5, 3, noise(7, 5, 3));
    const png = await encodePng(image);
    expect(pngHeader(png)).toEqual({ width: 7, height: 5, bitDepth: 8, colourType: 2 });
    const back = await decodeImage(png);
    expect(back).toMatchObject({ format: 'u8', width: 7, height: 5, channels: 3 });
    expect(back.data).toEqual(image.data);
  });

  it('drops alpha by default and keeps it on request', async () => {
    const rgba = rawImageFrom('u8', 4, 3, 4, noise(4, 3, 4));
    const file = path.join(dir, 'rgba.png');
    await writePng(rgba, file);
    const rgb = await decodeImage(file);
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data.subarray(0, 3))).toEqual(Array.from(rgba.data.subarray(0, 3)));
    expect((await decodeImage(file, { alpha: 'keep' })).data).toEqual(rgba.data);
  });

  it('adds an opaque alpha when keeping alpha of an RGB file', async () => {
    const png = await encodePng(rawImageFrom('u8', 2, 2, 3, noise(2, 2, 3)));
    const rgba = await decodeImage(png, { alpha: 'keep' });
    expect(rgba.channels).toBe(4);
    expect(rgba.data[3]).toBe(255);
  });

  it('writes 16-bit PNGs that peak at 65535 (spec §24 item 46, fixed)', async () => {
    const image = rawImageFrom('u8', 2, 1, 3, Uint8Array.of(255, 128, 0, 1, 2, 3));
    const png = await encodePng(image, { bitDepth: 16 });
    expect(pngHeader(png)).toMatchObject({ bitDepth: 16, colourType: 2 });
    expect(await samples16(png)).toEqual([65535, 128 * 257, 0, 257, 514, 771]);
    const float = rawImageFrom('f32', 1, 1, 3, Float32Array.of(255, 300, 127.5));
    expect(await samples16(await encodePng(float, { bitDepth: 16 }))).toEqual([65535, 65535, 32767]);
  });

  it('truncates float samples to 8 bits like astype(np.uint8) after clamping', async () => {
    const float = rawImageFrom('f32', 2, 1, 3, Float32Array.of(0.9, 254.99, 255, 300, -3, 128.5));
    const back = await decodeImage(await encodePng(float));
    expect(Array.from(back.data)).toEqual([0, 254, 255, 255, 0, 128]);
  });

  it('stretches to W×H with Lanczos when decoding an init', async () => {
    const png = await encodePng(createRawImage('u8', 40, 10, 3));
    const init = await decodeImage(png, { size: { width: 16, height: 32 } });
    expect(init).toMatchObject({ width: 16, height: 32, channels: 3 });
    const resized = await resizeImage(rawImageFrom('u8', 4, 4, 3, new Uint8Array(48).fill(90)), 9, 3);
    expect(resized).toMatchObject({ width: 9, height: 3 });
    expect(new Set(resized.data)).toEqual(new Set([90]));
  });

  it('reports an unreadable file as image_unreadable with its path', async () => {
    const file = path.join(dir, 'not-an-image.png');
    await writeFile(file, 'hello');
    const error: unknown = await decodeImage(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'image_unreadable', source: file });
    expect((error as DeforumError).message).toContain(file);
    const missing: unknown = await decodeImage(path.join(dir, 'missing.png')).catch((e: unknown) => e);
    expect((missing as DeforumError).details.code).toBe('image_unreadable');
  });

  it('writes the file it encodes', async () => {
    const file = path.join(dir, 'frame.png');
    const image = rawImageFrom('u8', 3, 3, 3, noise(3, 3, 3));
    await writePng(image, file);
    expect(await readFile(file)).toEqual(await encodePng(image));
  });
});

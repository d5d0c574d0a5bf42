import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeExr } from '../../../src/core/image/exr.js';
import { createRawImage } from '../../../src/core/image/raw-image.js';

/** ffmpeg's EXR decoder → planar float32 G, B, R (gbrpf32le), back to interleaved RGB. */
function decodeWithFfmpeg(file: string, width: number, height: number): Float32Array {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gbrpf32le', '-'], {
    maxBuffer: 1 << 26,
  });
  const planes = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const plane = width * height;
  const rgb = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    rgb[p * 3] = planes[2 * plane + p] ?? NaN;
    rgb[p * 3 + 1] = planes[p] ?? NaN;
    rgb[p * 3 + 2] = planes[plane + p] ?? NaN;
  }
  return rgb;
}

describe('encodeExr', () => {
  it('writes a float EXR that ffmpeg decodes to the same values, channel by channel', async () => {
    const width = 7;
    const height = 5;
    const image = createRawImage('f32', width, height, 3);
    image.data.forEach((_, i) => (image.data[i] = Math.fround(((i * 37) % 101) / 100 + (i % 3) * 1e-4)));
    const dir = await mkdtemp(path.join(tmpdir(), 'exr-'));
    try {
      const file = path.join(dir, 'frame.exr');
      await writeFile(file, encodeExr(image));
      const probe = execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]).toString();
      const stream = (JSON.parse(probe) as { streams: { codec_name: string; width: number; height: number }[] })
        .streams[0];
      expect(stream).toMatchObject({ codec_name: 'exr', width, height });
      expect(Array.from(decodeWithFfmpeg(file, width, height))).toEqual(Array.from(image.data));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lays out the header with B, G, R float channels and no compression', () => {
    const bytes = encodeExr(createRawImage('f32', 2, 1, 3));
    const view = new DataView(bytes.buffer);
    expect(view.getInt32(0, true)).toBe(20000630);
    expect(view.getInt32(4, true)).toBe(2);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text.indexOf('B\0')).toBeLessThan(text.indexOf('G\0'));
    expect(text.indexOf('G\0')).toBeLessThan(text.indexOf('R\0'));
    for (const name of ['dataWindow', 'displayWindow', 'lineOrder', 'pixelAspectRatio', 'screenWindowCenter']) {
      expect(text).toContain(`${name}\0`);
    }
    // one offset, one chunk: y, size, 2 pixels × 3 channels × 4 bytes
    expect(
      bytes.length - (text.indexOf('screenWindowWidth\0float\0') + 'screenWindowWidth\0float\0'.length + 8 + 1),
    ).toBe(8 + 8 + 24);
  });

  it('refuses images that are not RGB', () => {
    expect(() => encodeExr(createRawImage('f32', 2, 2, 1))).toThrow(RangeError);
  });
});

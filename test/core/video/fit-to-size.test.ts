/**
 * Fit-to-size with the real ffmpeg: a 2-second 512² video of noise (the hardest thing to compress), forced under
 * 150 KB, comes back under the limit and still plays with every frame; a file that already fits is kept.
 */
import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DeforumError } from '../../../src/core/errors.js';
import { createRawImage } from '../../../src/core/image/raw-image.js';
import { fitToSize } from '../../../src/core/video/fit-to-size.js';
import { openMp4Stream } from '../../../src/core/video/stream-encoder.js';
import { probeVideo } from '../../support/ffprobe.js';

const FPS = 12;
const LIMIT = 150 * 1024;
/** Several two-pass encodes of 24 frames at 512²; slow on a shared machine. */
const ENCODES_TIMEOUT_MS = 180_000;

describe('fitToSize with the real ffmpeg', () => {
  let dir = '';
  let noisy = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deforum-fit-test-'));
    noisy = path.join(dir, 'noise.mp4');
    const stream = await openMp4Stream({ output: noisy, width: 512, height: 512, fps: FPS });
    for (let f = 0; f < 2 * FPS; f++) {
      const image = createRawImage('u8', 512, 512, 3);
      randomFillSync(image.data);
      await stream.write(image);
    }
    await stream.finish();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    're-encodes a noisy 512² video under 150 KB, still playable with every frame',
    async () => {
      expect((await stat(noisy)).size).toBeGreaterThan(4 * LIMIT);
      const fit = await fitToSize(noisy, LIMIT);
      expect(fit.reencoded).toBe(true);
      expect(fit.output).not.toBe(noisy);
      expect((await stat(fit.output)).size).toBe(fit.bytes);
      expect(fit.bytes).toBeLessThanOrEqual(LIMIT);
      expect(await probeVideo(fit.output)).toMatchObject({
        codec_name: 'h264',
        pix_fmt: 'yuv420p',
        width: fit.width,
        height: fit.height,
        nb_read_frames: String(2 * FPS),
      });
      expect(fit.summary).toMatch(/^re-encoded at \d+ kbit\/s( and scaled to \d+×\d+)? to fit 150 KB$/);
    },
    ENCODES_TIMEOUT_MS,
  );

  it(
    'scales the picture down when the bitrate alone cannot reach the limit',
    async () => {
      const fit = await fitToSize(noisy, 12 * 1024, { output: path.join(dir, 'tiny.mp4') });
      expect(fit.bytes).toBeLessThanOrEqual(12 * 1024);
      expect(fit.width).toBeLessThan(512);
      expect(fit.summary).toContain(`scaled to ${fit.width}×${fit.height}`);
      expect((await probeVideo(fit.output)).nb_read_frames).toBe(String(2 * FPS));
    },
    ENCODES_TIMEOUT_MS,
  );

  it('keeps a file that already fits', async () => {
    const fit = await fitToSize(noisy, 100 * 1024 * 1024);
    expect(fit).toMatchObject({ output: noisy, reencoded: false, attempts: 0, width: 512, height: 512 });
  });

  it(
    'says so when nothing fits',
    async () => {
      const error: unknown = await fitToSize(noisy, 600, { output: path.join(dir, 'never.mp4') }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeforumError);
      expect((error as DeforumError).details).toMatchObject({ code: 'video_too_large', maxBytes: 600 });
    },
    ENCODES_TIMEOUT_MS,
  );
});

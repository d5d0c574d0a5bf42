import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DeforumError } from '../../../src/core/errors.js';
import { decodeImage, encodePng } from '../../../src/core/image/codec.js';
import { createRawImage } from '../../../src/core/image/raw-image.js';
import { encodeGif, encodeMp4, type EncodeProgress } from '../../../src/core/video/encode.js';
import { framePaths, framePattern } from '../../../src/core/video/frame-files.js';
import { probeVideo as probe } from '../../support/ffprobe.js';

const run = promisify(execFile);

const FRAMES = 10;
const FPS = 12;
const PREFIX = '20240101120000';
/** Far from every colour of ffmpeg's default 3-3-2 GIF cube (R and G levels are 36 apart, B levels 85). */
const BAR = [200, 120, 40];

describe('encodeMp4 / encodeGif with the real ffmpeg', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deforum-encode-test-'));
    for (const [f, file] of framePaths(dir, PREFIX, FRAMES).entries()) {
      // An orange bar that moves 6 px per frame, so every frame differs and none can be merged.
      const image = createRawImage('u8', 64, 48, 3);
      for (let y = 0; y < 48; y++) for (let x = f * 6; x < f * 6 + 6; x++) image.data.set(BAR, (y * 64 + x) * 3);
      await writeFile(file, await encodePng(image));
    }
    // A depth map beside the frames must not be counted (spec §24 item 51).
    await writeFile(path.join(dir, `${PREFIX}_depth_00000.png`), await encodePng(createRawImage('u8', 64, 48, 3)));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one H.264 yuv420p frame per image at the given fps', async () => {
    const output = path.join(dir, `${PREFIX}.mp4`);
    const progress: EncodeProgress[] = [];
    await encodeMp4({
      frames: { kind: 'pattern', directory: dir, pattern: framePattern(PREFIX), count: FRAMES },
      output,
      fps: FPS,
      onProgress: (p) => progress.push(p),
    });
    const stream = await probe(output);
    expect(stream).toMatchObject({
      codec_name: 'h264',
      pix_fmt: 'yuv420p',
      nb_read_frames: String(FRAMES),
      r_frame_rate: `${FPS}/1`,
    });
    expect(progress.at(-1)).toEqual({ frame: FRAMES, total: FRAMES });
  });

  it('accepts an explicit file list in the given order', async () => {
    const output = path.join(dir, 'list.mp4');
    const files = framePaths(dir, PREFIX, FRAMES).slice(0, 4).reverse();
    await encodeMp4({ frames: { kind: 'files', files }, output, fps: 8 });
    expect(await probe(output)).toMatchObject({ nb_read_frames: '4', r_frame_rate: '8/1' });
  });

  it('makes a palette GIF with every frame', async () => {
    const output = path.join(dir, `${PREFIX}.gif`);
    await encodeGif({
      frames: { kind: 'pattern', directory: dir, pattern: framePattern(PREFIX), count: FRAMES },
      output,
      fps: FPS,
    });
    expect(await probe(output)).toMatchObject({ codec_name: 'gif', nb_read_frames: String(FRAMES) });
    // A palette built from the frames holds the bar's colour exactly; the 3-3-2 cube would be ≥ 18 off.
    const firstFrame = path.join(dir, 'gif-frame-0.png');
    await run('ffmpeg', ['-v', 'error', '-y', '-i', output, '-frames:v', '1', firstFrame]);
    const decoded = await decodeImage(firstFrame);
    expect(Array.from(decoded.data.subarray(0, 3))).toEqual(BAR);
  });

  it('reports a missing frame directory as video_encode_failed', async () => {
    const missing = path.join(dir, 'no-such-folder');
    const error: unknown = await encodeMp4({
      frames: { kind: 'pattern', directory: missing, pattern: framePattern(PREFIX), count: 3 },
      output: path.join(dir, 'never.mp4'),
      fps: FPS,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details.code).toBe('video_encode_failed');
    expect((error as DeforumError).message).toContain(missing);
  });

  it('names the first missing frame of a gap', async () => {
    const error: unknown = await encodeMp4({
      frames: { kind: 'pattern', directory: dir, pattern: framePattern(PREFIX), count: FRAMES + 1 },
      output: path.join(dir, 'never.mp4'),
      fps: FPS,
    }).catch((e: unknown) => e);
    expect((error as DeforumError).message).toContain(`${PREFIX}_000${FRAMES}.png`);
  });

  it('turns an ffmpeg failure into a DeforumError with a hint', async () => {
    const error: unknown = await encodeMp4({
      frames: { kind: 'pattern', directory: dir, pattern: framePattern(PREFIX), count: FRAMES },
      output: path.join(dir, 'never.mp4'),
      fps: FPS,
      ffmpegPath: path.join(dir, 'not-ffmpeg'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).message).toMatch(/apt-get install ffmpeg/);
  });
});

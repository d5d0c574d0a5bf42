/**
 * The encoder fed while rendering, with the real ffmpeg: the MP4 holds exactly the frames written, in order, with
 * the notebook's H.264 settings and faststart; a soundtrack is muxed and checked; abort leaves no file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DeforumError } from '../../../src/core/errors.js';
import { createRawImage, type RawImage } from '../../../src/core/image/raw-image.js';
import { openMp4Stream } from '../../../src/core/video/stream-encoder.js';
import { probeVideo } from '../../support/ffprobe.js';

const run = promisify(execFile);
const W = 64;
const H = 48;

/** A frame whose left half is grey level 10·f, so decoded frames can be told apart and put in order. */
function frame(f: number): RawImage<'u8'> {
  const image = createRawImage('u8', W, H, 3);
  for (let y = 0; y < H; y++) image.data.fill(10 * f, y * W * 3, (y * W + W / 2) * 3);
  return image;
}

/** The mean grey of each decoded frame's left half. */
async function decodedLevels(file: string): Promise<number[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const levels: number[] = [];
  for (let offset = 0; offset < stdout.length; offset += W * H) {
    let sum = 0;
    for (let y = 0; y < H; y++) for (let x = 4; x < W / 2 - 4; x++) sum += stdout[offset + y * W + x] ?? 0;
    levels.push(Math.round(sum / (H * (W / 2 - 8))));
  }
  return levels;
}

describe('openMp4Stream with the real ffmpeg', () => {
  let dir = '';
  let tone = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deforum-stream-test-'));
    tone = path.join(dir, 'tone.wav');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', tone]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('encodes exactly the frames written, in order, as H.264 yuv420p with faststart', async () => {
    const output = path.join(dir, 'stream.mp4');
    const stream = await openMp4Stream({ output, width: W, height: H, fps: 12 });
    for (let f = 0; f < 20; f++) await stream.write(frame(f));
    expect(await stream.finish()).toBe(20);
    expect(await probeVideo(output)).toMatchObject({
      codec_name: 'h264',
      pix_fmt: 'yuv420p',
      width: W,
      height: H,
      nb_read_frames: '20',
      r_frame_rate: '12/1',
    });
    const levels = await decodedLevels(output);
    levels.forEach((level, f) => expect(Math.abs(level - 10 * f), `frame ${f}`).toBeLessThanOrEqual(2));
    // faststart: the index (moov) comes before the media data (mdat), so a player starts before the download ends.
    const bytes = await readFile(output);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
  });

  it('muxes a soundtrack as AAC and keeps every frame when the audio is shorter than the video', async () => {
    const output = path.join(dir, 'with-audio.mp4');
    const stream = await openMp4Stream({ output, width: W, height: H, fps: 12, audio: tone });
    for (let f = 0; f < 24; f++) await stream.write(frame(f));
    await stream.finish();
    expect((await probeVideo(output)).nb_read_frames).toBe('24');
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', output],
    ]);
    expect(stdout.trim()).toBe('aac');
  });

  it('refuses a soundtrack that is not audio before encoding anything', async () => {
    const notAudio = path.join(dir, 'notes.txt');
    await writeFile(notAudio, 'not a sound');
    const output = path.join(dir, 'never.mp4');
    const error: unknown = await openMp4Stream({ output, width: W, height: H, fps: 12, audio: notAudio }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details.code).toBe('audio_unusable');
    expect((error as DeforumError).message).toMatch(/notes\.txt.*audio file/);
    expect(existsSync(output)).toBe(false);
  });

  it('refuses a video file without sound as a soundtrack', async () => {
    const silent = path.join(dir, 'silent.mp4');
    const stream = await openMp4Stream({ output: silent, width: W, height: H, fps: 12 });
    await stream.write(frame(1));
    await stream.finish();
    const error: unknown = await openMp4Stream({
      output: path.join(dir, 'x.mp4'),
      width: W,
      height: H,
      fps: 12,
      audio: silent,
    }).catch((e: unknown) => e);
    expect((error as DeforumError).message).toMatch(/no audio stream/);
  });

  it('rejects a frame of the wrong size', async () => {
    const stream = await openMp4Stream({ output: path.join(dir, 'size.mp4'), width: W, height: H, fps: 12 });
    await expect(stream.write(createRawImage('u8', W + 2, H, 3))).rejects.toThrow(/66×48×3; the video is 64×48 RGB/);
    await stream.abort();
  });

  it('stops ffmpeg on abort and leaves no file, and an aborted signal rejects the next write', async () => {
    const output = path.join(dir, 'aborted.mp4');
    const controller = new AbortController();
    const stream = await openMp4Stream({ output, width: W, height: H, fps: 12, signal: controller.signal });
    await stream.write(frame(0));
    controller.abort(new Error('stop'));
    // Enough data to fill the pipe, so the write must notice ffmpeg is gone.
    const big = async (): Promise<void> => {
      for (let f = 0; f < 200; f++) await stream.write(frame(f % 20));
    };
    await expect(big()).rejects.toThrow('stop');
    await stream.abort();
    expect(existsSync(output)).toBe(false);
  });

  /** A stand-in ffmpeg: reads every frame, then runs `then` (shell) with stderr as ffmpeg's. */
  async function fakeFfmpeg(name: string, then: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\ncat > /dev/null\n${then}\n`, { mode: 0o755 });
    return file;
  }

  it("finishes at ffmpeg's final progress report, without waiting for the process to exit", async () => {
    const ffmpegPath = await fakeFfmpeg(
      'reports-then-lingers',
      'printf "frame=1\\nprogress=end\\n" >&2; exec sleep 30',
    );
    const stream = await openMp4Stream({
      output: path.join(dir, 'lingers.mp4'),
      width: W,
      height: H,
      fps: 12,
      ffmpegPath,
    });
    await stream.write(frame(0));
    const finished = stream.finish().then(() => 'finished');
    const stillRunning = new Promise((resolve) => setTimeout(resolve, 5_000, 'waited for the exit'));
    expect(await Promise.race([finished, stillRunning])).toBe('finished');
    await stream.abort();
  });

  it('waits for the exit status when an error came before the final report, and reports the error alone', async () => {
    const ffmpegPath = await fakeFfmpeg(
      'fails-at-trailer',
      'printf "Error writing trailer: No space left on device\\nframe=1\\nprogress=end\\n" >&2; exit 1',
    );
    const stream = await openMp4Stream({
      output: path.join(dir, 'full.mp4'),
      width: W,
      height: H,
      fps: 12,
      ffmpegPath,
    });
    await stream.write(frame(0));
    const error: unknown = await stream.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).message).toMatch(/status 1:\nError writing trailer: No space left on device$/);
  });

  it('turns an ffmpeg that cannot start into a DeforumError with a hint', async () => {
    const stream = await openMp4Stream({
      output: path.join(dir, 'none.mp4'),
      width: W,
      height: H,
      fps: 12,
      ffmpegPath: path.join(dir, 'no-ffmpeg'),
    });
    const error: unknown = await stream
      .write(frame(0))
      .then(() => stream.finish())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).message).toMatch(/apt-get install ffmpeg/);
  });
});

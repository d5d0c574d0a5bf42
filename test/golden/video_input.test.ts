/**
 * Parity with the notebook's `vid2frames` (golden/video_input.json, README "video_input.json + video_input/").
 * Tolerances from the README: names, counts and source indices exact; JPEG read-back stats per channel mean ±1.5,
 * std ±2. Our decode (ffmpeg rgb24) and encode (libvips JPEG q95) read back bit-identical to the golden PNGs, so
 * the two read-back images recorded per run must also match exactly.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isDeforumError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/core/image/codec.js';
import type { RawImage } from '../../src/core/image/raw-image.js';
import { extractedFrameName, extractFrames, readExtractedFrame } from '../../src/core/video/extract-frames.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';

interface ChannelStats {
  mean: number[];
  std: number[];
}

interface GoldenRun {
  extract_nth_frame: number;
  overwrite: boolean;
  files: string[];
  count: number;
  max_frames_in_loop: number;
  frames: { name: string; source_frame_index: number; stats: ChannelStats; png_of_jpeg_readback?: string }[];
}

interface VideoInputGolden {
  video: { file: string; W: number; H: number; frames: number };
  runs: GoldenRun[];
  overwrite_false: { files_after: string[] };
  missing_video: { error: { message: string } };
  hybrid_generation: { extract_nth_frame: number; max_frames: number };
}

const golden = readGoldenJson<VideoInputGolden>('video_input.json');
const video = goldenPath(golden.video.file);

function channelStats(image: RawImage<'u8'>): ChannelStats {
  const n = image.width * image.height;
  const mean = [0, 0, 0];
  const std = [0, 0, 0];
  image.data.forEach((v, i) => {
    mean[i % 3] = (mean[i % 3] ?? 0) + v / n;
  });
  image.data.forEach((v, i) => {
    std[i % 3] = (std[i % 3] ?? 0) + (v - (mean[i % 3] ?? 0)) ** 2 / n;
  });
  return { mean, std: std.map(Math.sqrt) };
}

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'video-input-golden-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('video_input golden parity', () => {
  it.each(golden.runs.map((run) => [run.extract_nth_frame, run] as const))(
    'extract_nth_frame %i: names, count, source indices and JPEG read-back',
    async (nth, run) => {
      const framesDir = path.join(work, 'inputframes');
      const result = await extractFrames({ videoPath: video, framesDir, extractNthFrame: nth, overwrite: true });
      expect(result).toEqual({ frameCount: run.max_frames_in_loop, extracted: true });
      expect((await readdir(framesDir)).sort()).toEqual(run.files);
      expect(run.count).toBe(run.files.length);

      // Source index i·n: file i + 1 holds the same picture as file i·n + 1 of an every-frame extraction.
      const everyFrameDir = path.join(work, 'every-frame');
      await extractFrames({ videoPath: video, framesDir: everyFrameDir, extractNthFrame: 1, overwrite: true });
      for (const [i, frame] of run.frames.entries()) {
        expect(frame.source_frame_index, `${frame.name}: source index`).toBe(i * nth);
        const [ours, source] = await Promise.all([
          readFile(path.join(framesDir, frame.name)),
          readFile(path.join(everyFrameDir, extractedFrameName(frame.source_frame_index + 1))),
        ]);
        expect(ours.equals(source), `${frame.name} is source frame ${frame.source_frame_index}`).toBe(true);
        const readBack = await readExtractedFrame(framesDir, i + 1, {
          width: golden.video.W,
          height: golden.video.H,
          filter: 'lanczos',
        });
        const stats = channelStats(readBack);
        for (let c = 0; c < 3; c++) {
          expect(
            Math.abs((stats.mean[c] ?? NaN) - (frame.stats.mean[c] ?? NaN)),
            `${frame.name} mean[${c}]`,
          ).toBeLessThanOrEqual(1.5);
          expect(
            Math.abs((stats.std[c] ?? NaN) - (frame.stats.std[c] ?? NaN)),
            `${frame.name} std[${c}]`,
          ).toBeLessThanOrEqual(2);
        }
        if (frame.png_of_jpeg_readback !== undefined) {
          const expected = await decodeImage(goldenPath(frame.png_of_jpeg_readback));
          expect(Buffer.from(readBack.data).equals(Buffer.from(expected.data)), `${frame.name}: read-back pixels`).toBe(
            true,
          );
        }
      }
    },
  );

  it('overwrite=false on a folder with frames does nothing ("Frames already unpacked")', async () => {
    const framesDir = path.join(work, 'inputframes');
    await mkdir(framesDir);
    const kept = golden.overwrite_false.files_after;
    await Promise.all(kept.map((name) => writeFile(path.join(framesDir, name), 'stale')));
    const result = await extractFrames({ videoPath: video, framesDir, extractNthFrame: 1, overwrite: false });
    expect(result).toEqual({ frameCount: kept.length, extracted: false });
    expect((await readdir(framesDir)).sort()).toEqual(kept);
  });

  it('overwrite=false on an empty or missing folder extracts (spec §24 item 27, F)', async () => {
    const framesDir = path.join(work, 'fresh', 'inputframes');
    const result = await extractFrames({ videoPath: video, framesDir, extractNthFrame: 3, overwrite: false });
    expect(result).toEqual({ frameCount: golden.hybrid_generation.max_frames, extracted: true });
  });

  it('overwrite=true empties *.jpg first and leaves other files', async () => {
    const framesDir = path.join(work, 'inputframes');
    await mkdir(framesDir);
    const stale = Array.from({ length: 30 }, (_, i) => `${String(i + 1).padStart(5, '0')}.jpg`);
    await Promise.all([...stale, 'notes.txt'].map((name) => writeFile(path.join(framesDir, name), 'stale')));
    const result = await extractFrames({ videoPath: video, framesDir, extractNthFrame: 3, overwrite: true });
    expect(result.frameCount).toBe(golden.hybrid_generation.max_frames);
    expect((await readdir(framesDir)).sort()).toEqual([...(golden.runs[1]?.files ?? []), 'notes.txt']);
  });

  it('a missing video is a clear error and keeps existing frames', async () => {
    const framesDir = path.join(work, 'inputframes');
    await mkdir(framesDir);
    await writeFile(path.join(framesDir, '00001.jpg'), 'kept');
    expect(golden.missing_video.error.message).toContain('does not exist');
    const error: unknown = await extractFrames({
      videoPath: path.join(work, 'missing.mp4'),
      framesDir,
      extractNthFrame: 1,
      overwrite: true,
    }).catch((e: unknown) => e);
    expect(isDeforumError(error) && error.details.code).toBe('video_unreadable');
    expect(String(error)).toContain('missing.mp4');
    expect(await readdir(framesDir)).toEqual(['00001.jpg']);
  });

  it('a file that is not a video is a clear error', async () => {
    const notVideo = path.join(work, 'not-a-video.mp4');
    await writeFile(notVideo, 'plain text');
    const error: unknown = await extractFrames({
      videoPath: notVideo,
      framesDir: path.join(work, 'inputframes'),
      extractNthFrame: 1,
      overwrite: true,
    }).catch((e: unknown) => e);
    expect(isDeforumError(error) && error.details.code).toBe('video_unreadable');
  });

  it('readExtractedFrame stretches to W×H with either filter', async () => {
    const framesDir = path.join(work, 'inputframes');
    await extractFrames({ videoPath: video, framesDir, extractNthFrame: 12, overwrite: true });
    for (const filter of ['lanczos', 'bilinear'] as const) {
      const frame = await readExtractedFrame(framesDir, 2, { width: 48, height: 40, filter });
      expect([frame.width, frame.height, frame.channels]).toEqual([48, 40, 3]);
    }
  });
});

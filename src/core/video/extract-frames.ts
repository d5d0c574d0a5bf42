/**
 * Video Input and hybrid video frame extraction: Deforum's `vid2frames` (helpers/animation.py, spec §11.1).
 * Every `extract_nth_frame`-th decoded frame (source index i·n) is written as a JPEG, quality 95, 4:2:0, named
 * `00001.jpg`, `00002.jpg`, … without gaps; the number of JPEGs is what the loop uses as `max_frames`.
 * The original decodes with OpenCV's FFmpeg backend (swscale, BT.601 limited range, bicubic chroma); ffmpeg's own
 * `rgb24` conversion is the same code and gives bit-identical frames (golden video_input: decoded frames equal),
 * and libvips' JPEG at quality 95 reads back identically to cv2.imwrite's. Frames reach the codec as PNGs in a
 * temporary folder, so their size and orientation are whatever ffmpeg decoded.
 * Fixed (spec §24 item 27, F, docs/deviations.md): `overwrite_extracted_frames = false` skips extraction only when
 * the folder already holds JPEGs; an empty or missing folder is extracted instead of yielding 0 frames.
 */
import { mkdir, mkdtemp, readdir, rm, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import ffmpeg from 'fluent-ffmpeg';
import { runFluentCommand } from './run-fluent-command.js';

import { DeforumError } from '../errors.js';
import { decodeImage, writeJpeg } from '../image/codec.js';
import type { RawImage } from '../image/raw-image.js';
import { resizeBilinearCv } from '../image/resize-cv.js';
import { resizePil } from '../diffusion/models/depth/resize-pil.js';

export interface ExtractFramesOptions {
  /** `video_init_path` (or `video_mask_path`). */
  videoPath: string;
  /** `<outdir>/inputframes` (or `maskframes`); created when missing. */
  framesDir: string;
  /** `extract_nth_frame`: an integer ≥ 1. */
  extractNthFrame: number;
  /** `overwrite_extracted_frames`. */
  overwrite: boolean;
  signal?: AbortSignal;
  /** The ffmpeg binary; by default `FFMPEG_PATH` or `ffmpeg` on the PATH. */
  ffmpegPath?: string;
}

export interface ExtractFramesResult {
  /** JPEGs in the folder afterwards: the run's `max_frames`. */
  frameCount: number;
  /** False when existing frames were kept ("Frames already unpacked"). */
  extracted: boolean;
}

/** How the reader sizes a frame: PIL Lanczos (inits, compositing) or cv2 bilinear (hybrid motion), spec §12. */
export type ExtractedFrameFilter = 'lanczos' | 'bilinear';

export interface ReadExtractedFrameOptions {
  width: number;
  height: number;
  filter: ExtractedFrameFilter;
}

const JPEG_QUALITY = 95;
const NAME_DIGITS = 5;

/** `00001.jpg` for file number 1 (the first kept frame). */
export function extractedFrameName(fileNumber: number): string {
  if (!Number.isInteger(fileNumber) || fileNumber < 1) {
    throw new RangeError(`Extracted frames are numbered from 1, got ${fileNumber}.`);
  }
  return `${String(fileNumber).padStart(NAME_DIGITS, '0')}.jpg`;
}

function unreadable(source: string, reason: string, cause?: unknown): DeforumError {
  return new DeforumError(
    { code: 'video_unreadable', source, reason },
    `Cannot extract frames from the video ${source}: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The JPEGs a folder holds (0 for a missing folder): hybrid video's max_frames when it extracts nothing now. */
export async function countExtractedFrames(framesDir: string): Promise<number> {
  return (await listJpegs(framesDir)).length;
}

async function listJpegs(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).filter((name) => name.endsWith('.jpg')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function checkVideo(videoPath: string): Promise<void> {
  try {
    if (!(await stat(videoPath)).isFile()) throw new Error('not a file');
  } catch (cause) {
    throw unreadable(videoPath, 'the file does not exist. Check video_init_path (and video_mask_path).', cause);
  }
}

/** Decodes every n-th frame to `%05d.png` (from 1) in `directory` with ffmpeg. */
function decodeToPngs(options: ExtractFramesOptions, directory: string): Promise<void> {
  const { videoPath, extractNthFrame, signal } = options;
  const command = ffmpeg()
    .input(videoPath)
    .outputOptions([
      '-vf',
      `select=not(mod(n\\,${extractNthFrame}))`,
      // One output image per selected frame: no duplicates or drops to hold a frame rate.
      '-fps_mode',
      'passthrough',
      '-pix_fmt',
      'rgb24',
      '-start_number',
      '1',
    ])
    .output(path.join(directory, '%05d.png'));
  if (options.ffmpegPath !== undefined) command.setFfmpegPath(options.ffmpegPath);
  return runFluentCommand(command, {
    signal,
    failure: (error, stderr) => {
      const tail = stderr.trim().split('\n').slice(-6).join('\n');
      return unreadable(videoPath, `ffmpeg could not decode it (${tail || error.message}).`, error);
    },
  });
}

async function extract(options: ExtractFramesOptions): Promise<number> {
  const staging = await mkdtemp(path.join(os.tmpdir(), 'deforum-extract-'));
  try {
    await decodeToPngs(options, staging);
    const pngs = (await readdir(staging)).filter((name) => name.endsWith('.png')).sort();
    if (pngs.length === 0) throw unreadable(options.videoPath, 'it has no video frames.');
    for (const [i, name] of pngs.entries()) {
      options.signal?.throwIfAborted();
      const frame = await decodeImage(path.join(staging, name));
      await writeJpeg(frame, path.join(options.framesDir, extractedFrameName(i + 1)), JPEG_QUALITY);
    }
    return pngs.length;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Extracts the frames of a video into `framesDir` as `vid2frames` does; returns the frame count. */
export async function extractFrames(options: ExtractFramesOptions): Promise<ExtractFramesResult> {
  const { framesDir, extractNthFrame, overwrite } = options;
  if (!Number.isInteger(extractNthFrame) || extractNthFrame < 1) {
    throw new DeforumError(
      {
        code: 'settings_invalid',
        issues: [{ setting: 'extract_nth_frame', message: 'must be an integer ≥ 1', given: String(extractNthFrame) }],
      },
      `extract_nth_frame must be a whole number ≥ 1, got ${extractNthFrame}.`,
    );
  }
  const existing = await listJpegs(framesDir);
  if (!overwrite && existing.length > 0) return { frameCount: existing.length, extracted: false };
  await checkVideo(options.videoPath);
  await mkdir(framesDir, { recursive: true });
  // Stale frames would otherwise count towards max_frames (the original deletes *.jpg only).
  await Promise.all(existing.map((name) => unlink(path.join(framesDir, name))));
  await extract(options);
  return { frameCount: (await listJpegs(framesDir)).length, extracted: true };
}

/**
 * Reads extracted frame `fileNumber` (1 = `00001.jpg`) as 8-bit RGB, stretched to width×height with PIL's Lanczos
 * (`Image.open(...).resize`, inits and compositing) or cv2's bilinear resize (`cv2.imread` + `cv2.resize`, hybrid
 * motion); a frame already at that size is returned as decoded, as both originals do.
 */
export async function readExtractedFrame(
  framesDir: string,
  fileNumber: number,
  options: ReadExtractedFrameOptions,
): Promise<RawImage<'u8'>> {
  const frame = await decodeImage(path.join(framesDir, extractedFrameName(fileNumber)));
  if (frame.width === options.width && frame.height === options.height) return frame;
  return options.filter === 'lanczos'
    ? resizePil(frame, options.width, options.height, 'lanczos')
    : resizeBilinearCv(frame, options.width, options.height);
}

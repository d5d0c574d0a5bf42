/**
 * An MP4 encoder fed while the frames render (issue 6, "Speed": encoding runs while frames render, not after), so
 * the video is ready when the last frame is. ffmpeg reads raw RGB frames on stdin with the notebook's output
 * settings (ffmpeg-arguments.ts: libx264 yuv420p crf 17 preset veryfast, plus faststart); the MP4 holds exactly
 * the frames written, in the order written. `write` resolves only once ffmpeg's pipe has room again, so a slow
 * encoder slows the producer instead of filling memory. encode.ts stays for encoding frames already on disk.
 */
import { once } from 'node:events';
import { rm } from 'node:fs/promises';

import type { RawImage } from '../image/raw-image.js';
import { mp4OutputArguments, rawRgbInputArguments, soundtrackInputArguments } from './ffmpeg-arguments.js';
import { encodeError, startFfmpeg } from './ffmpeg-process.js';
import { checkSoundtrack } from './soundtrack.js';

export interface Mp4StreamOptions {
  output: string;
  /** The size of every frame; H.264 in yuv420p needs both even. */
  width: number;
  height: number;
  fps: number;
  /** A soundtrack muxed as AAC (checked with ffprobe before ffmpeg starts). */
  audio?: string | undefined;
  /** Aborting kills ffmpeg; `write` and `finish` then reject with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** The ffmpeg binary; by default `FFMPEG_PATH` or `ffmpeg` on the PATH. */
  ffmpegPath?: string | undefined;
}

export interface Mp4Stream {
  /**
   * Sends the next frame (8-bit RGB at the stream's size). Resolves when ffmpeg can take another; the frame's
   * pixels must not change until then. One write at a time.
   */
  write(frame: RawImage<'u8'>): Promise<void>;
  /** Ends the input; resolves with the number of frames once the MP4 is complete on disk. */
  finish(): Promise<number>;
  /** Stops ffmpeg and removes the unfinished file. */
  abort(): Promise<void>;
  readonly framesWritten: number;
}

export async function openMp4Stream(options: Mp4StreamOptions): Promise<Mp4Stream> {
  const { output, width, height, fps, audio } = options;
  if (!(fps > 0)) throw encodeError(output, `fps must be positive, got ${fps}.`);
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw encodeError(output, `H.264 in yuv420p needs an even width and height, got ${width}×${height}.`);
  }
  if (audio !== undefined) await checkSoundtrack(audio, options.ffmpegPath);
  const args = [
    ...rawRgbInputArguments(width, height, fps),
    ...(audio === undefined ? [] : soundtrackInputArguments(audio)),
    ...mp4OutputArguments({ fps, audio: audio === undefined ? 'none' : 'soundtrack' }),
    output,
  ];
  const ffmpeg = startFfmpeg(args, options);
  const stopped = ffmpeg.exited.then(
    () => false,
    () => false,
  );
  let framesWritten = 0;

  const checkFrame = (frame: RawImage<'u8'>): void => {
    if (frame.width !== width || frame.height !== height || frame.channels !== 3) {
      throw encodeError(
        output,
        `frame ${framesWritten} is ${frame.width}×${frame.height}×${frame.channels}; the video is ${width}×${height} RGB.`,
      );
    }
  };

  const abort = async (): Promise<void> => {
    ffmpeg.kill();
    // We stopped it ourselves, so its "killed" status is the expected outcome, not a failure to report.
    await stopped;
    await rm(output, { force: true });
  };

  return {
    get framesWritten() {
      return framesWritten;
    },
    async write(frame) {
      checkFrame(frame);
      const bytes = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
      framesWritten++;
      if (ffmpeg.stdin.write(bytes)) return;
      // A broken pipe (EPIPE) rejects `once`; a process that never started only settles `exited`.
      const drained = once(ffmpeg.stdin, 'drain').then(
        () => true,
        () => false,
      );
      if (await Promise.race([drained, stopped])) return;
      // ffmpeg stopped: its exit status and stderr (or the abort reason) say why.
      await ffmpeg.exited;
      throw encodeError(output, 'ffmpeg stopped before the last frame.');
    },
    async finish() {
      if (framesWritten === 0) {
        await abort();
        throw encodeError(output, 'there are no frames to encode.');
      }
      ffmpeg.stdin.end();
      await ffmpeg.outputComplete;
      return framesWritten;
    },
    abort,
  };
}

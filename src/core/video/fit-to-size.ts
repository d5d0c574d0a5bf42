/**
 * Fit-to-size for chat upload limits (issue 6 point 7, issue 8 point 2): re-encodes an MP4 until it is at most
 * `maxBytes`. Bitrate first: a two-pass x264 encode at the bitrate the duration allows (limit × 0.95 × 8 /
 * duration, less the audio; the 5% leaves room for the container, discord-ux.md); when the result still overshoots,
 * the bitrate is corrected by the overshoot, and only then is the picture scaled down by a quarter per attempt.
 * The result says what was done, so the bot can tell the user.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DeforumError } from '../errors.js';
import { mp4OutputArguments, type AudioSource } from './ffmpeg-arguments.js';
import { encodeError, runFfmpeg } from './ffmpeg-process.js';
import { probeMedia } from './probe-media.js';

export interface FitOptions {
  /** Where the re-encode goes; by default `<name>.fit.mp4` beside the input. */
  output?: string;
  signal?: AbortSignal;
  /** The ffmpeg binary; by default `FFMPEG_PATH` or `ffmpeg` on the PATH. */
  ffmpegPath?: string;
}

export interface FitResult {
  /** The file to upload: the input itself when it already fit. */
  output: string;
  bytes: number;
  reencoded: boolean;
  width: number;
  height: number;
  /** The video bitrate of the encode that fit; null when the input was kept. */
  videoKbps: number | null;
  /** Encodes tried (0 when the input already fit). */
  attempts: number;
  /** One sentence for the user, e.g. "re-encoded at 540 kbit/s and scaled to 384×384 to fit 150 KB". */
  summary: string;
}

const CONTAINER_MARGIN = 0.95;
const FIT_AUDIO_KBPS = 64;
const MAX_ATTEMPTS = 6;
const SCALE_STEP = 0.75;
const MIN_SIDE = 64;
/** Below this x264 cannot hold the rate at any quality worth sending; scaling down is the only way left. */
const MIN_VIDEO_KBPS = 24;

interface Attempt {
  width: number;
  height: number;
  videoKbps: number;
}

export async function fitToSize(input: string, maxBytes: number, options: FitOptions = {}): Promise<FitResult> {
  if (!(maxBytes > 0)) throw encodeError(input, `the size limit must be positive, got ${maxBytes} bytes.`);
  const info = await probeMedia(input, options.ffmpegPath).catch((cause: unknown) => {
    throw encodeError(input, `ffprobe cannot read it (${String(cause)}).`, cause);
  });
  if (info.video === null || info.durationSeconds === null) {
    throw encodeError(input, 'it has no video stream with a known duration to re-encode.');
  }
  const { width, height } = info.video;
  const inputBytes = (await stat(input)).size;
  if (inputBytes <= maxBytes) {
    return {
      output: input,
      bytes: inputBytes,
      reencoded: false,
      width,
      height,
      videoKbps: null,
      attempts: 0,
      summary: `already fits ${formatBytes(maxBytes)}`,
    };
  }
  const audio: AudioSource = info.audio === null ? 'none' : 'input';
  const audioKbps = audio === 'none' ? 0 : FIT_AUDIO_KBPS;
  const budgetKbps = (maxBytes * 8 * CONTAINER_MARGIN) / info.durationSeconds / 1000;
  const output = options.output ?? path.join(path.dirname(input), `${path.parse(input).name}.fit.mp4`);
  const passDir = await mkdtemp(path.join(os.tmpdir(), 'deforum-fit-'));
  try {
    let attempt: Attempt = { width, height, videoKbps: Math.floor(budgetKbps - audioKbps) };
    let smallest = inputBytes;
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      if (attempt.videoKbps < MIN_VIDEO_KBPS) attempt = scaledDown(attempt, width, height);
      if (attempt.width < MIN_SIDE || attempt.height < MIN_SIDE) break;
      await encodeTwoPass(input, output, attempt, audio, path.join(passDir, 'x264'), options);
      const bytes = (await stat(output)).size;
      smallest = Math.min(smallest, bytes);
      if (bytes <= maxBytes) {
        return {
          output,
          bytes,
          reencoded: true,
          ...attempt,
          attempts: n,
          summary: describeFit(attempt, width, height, maxBytes),
        };
      }
      // Bitrate first (the overshoot ratio corrects x264's miss), then a smaller picture from the second miss on.
      const corrected = {
        ...attempt,
        videoKbps: Math.floor((attempt.videoKbps * maxBytes * CONTAINER_MARGIN) / bytes),
      };
      attempt = n === 1 ? corrected : scaledDown(corrected, width, height);
    }
    await rm(output, { force: true });
    throw new DeforumError(
      { code: 'video_too_large', output, maxBytes, smallestBytes: smallest },
      `Could not fit ${input} into ${formatBytes(maxBytes)}: the smallest re-encode was ${formatBytes(smallest)}. ` +
        'Render fewer frames or a smaller size, or lower the fps.',
    );
  } finally {
    await rm(passDir, { recursive: true, force: true });
  }
}

/** A quarter smaller on each side, even sizes for yuv420p; the bitrate is kept (fewer pixels share it). */
function scaledDown(attempt: Attempt, width: number, height: number): Attempt {
  const factor = (attempt.width / width) * SCALE_STEP;
  const even = (side: number): number => Math.max(2, 2 * Math.round((side * factor) / 2));
  return { width: even(width), height: even(height), videoKbps: Math.max(attempt.videoKbps, MIN_VIDEO_KBPS) };
}

async function encodeTwoPass(
  input: string,
  output: string,
  attempt: Attempt,
  audio: AudioSource,
  passLog: string,
  options: FitOptions,
): Promise<void> {
  const run = { output, signal: options.signal, ffmpegPath: options.ffmpegPath };
  const pass = (n: 1 | 2): string[] => [
    '-b:v',
    `${attempt.videoKbps}k`,
    '-preset',
    'veryfast',
    '-pass',
    String(n),
    '-passlogfile',
    passLog,
  ];
  const extraFilters = [`scale=${attempt.width}:${attempt.height}`];
  const firstPass = mp4OutputArguments({ fps: null, audio: 'none', videoCodecArguments: pass(1), extraFilters });
  await runFfmpeg(['-i', input, ...firstPass, '-f', 'null', os.devNull], run);
  const secondPass = mp4OutputArguments({
    fps: null,
    audio,
    videoCodecArguments: pass(2),
    extraFilters,
    audioBitrateKbps: FIT_AUDIO_KBPS,
  });
  await runFfmpeg(['-i', input, ...secondPass, output], run);
}

function describeFit(attempt: Attempt, width: number, height: number, maxBytes: number): string {
  const scaled = attempt.width !== width || attempt.height !== height;
  return (
    `re-encoded at ${attempt.videoKbps} kbit/s` +
    (scaled ? ` and scaled to ${attempt.width}×${attempt.height}` : '') +
    ` to fit ${formatBytes(maxBytes)}`
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KB`;
}

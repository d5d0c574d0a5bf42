/**
 * Frames → MP4 / GIF with the system ffmpeg through fluent-ffmpeg: the notebook's video cell (spec §20).
 * MP4 keeps the notebook's settings for output parity: input rate `-r fps`, output filter `fps=fps` (one video
 * frame per image), libx264, yuv420p, crf 17, preset veryfast, `-frames:v` = the number of frames given.
 * Fixed (spec §24 item 51, F): the GIF gets a real palette (palettegen/paletteuse) instead of ffmpeg's 3-3-2
 * colour cube; the frame count comes from the caller, never from a folder listing (depth maps cannot inflate it);
 * the input decoder follows the file extension instead of being forced to PNG. The arguments are shared with the
 * encoder fed while rendering (ffmpeg-arguments.ts); this one encodes frames already on disk (resume, re-encode,
 * GIF), with an optional soundtrack.
 */
import { access, constants, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import ffmpeg from 'fluent-ffmpeg';
import { runFluentCommand } from './run-fluent-command.js';

import { gifOutputArguments, mp4OutputArguments } from './ffmpeg-arguments.js';
import { encodeError, INSTALL_HINT, stderrTail } from './ffmpeg-process.js';
import { checkSoundtrack } from './soundtrack.js';

/** Frames 0…count−1 named by an ffmpeg `%05d` pattern inside `directory`, or an explicit ordered list of files. */
export type FrameInput =
  { kind: 'pattern'; directory: string; pattern: string; count: number } | { kind: 'files'; files: readonly string[] };

export interface EncodeProgress {
  frame: number;
  total: number;
}

export interface EncodeOptions {
  frames: FrameInput;
  output: string;
  fps: number;
  onProgress?: (progress: EncodeProgress) => void;
  signal?: AbortSignal;
  /** A soundtrack muxed into the MP4 as AAC (the GIF has no sound). */
  audio?: string;
  /** The ffmpeg binary; by default `FFMPEG_PATH` or `ffmpeg` on the PATH. */
  ffmpegPath?: string;
}

type Container = 'mp4' | 'gif';

/** One directory plus pattern for ffmpeg's image2 reader; a file list is linked into a temporary directory. */
interface Sequence {
  input: string;
  count: number;
  dispose: () => Promise<void>;
}

function patternFileName(pattern: string, frame: number): string {
  return pattern.replace(/%0(\d+)d/, (_m, width: string) => String(frame).padStart(Number(width), '0'));
}

async function patternSequence(directory: string, pattern: string, count: number, output: string): Promise<Sequence> {
  if (!/%0\d+d/.test(pattern)) throw encodeError(output, `the frame pattern ${pattern} needs a %05d-style number.`);
  let present: Set<string>;
  try {
    present = new Set(await readdir(directory));
  } catch (cause) {
    throw encodeError(output, `the frame directory ${directory} cannot be read. Render the frames first.`, cause);
  }
  for (let f = 0; f < count; f++) {
    const name = patternFileName(pattern, f);
    if (!present.has(name)) {
      throw encodeError(
        output,
        `frame ${f} (${name}) is missing in ${directory}; frames must be numbered 0…${count - 1}.`,
      );
    }
  }
  return { input: path.join(directory, pattern), count, dispose: () => Promise.resolve() };
}

async function fileListSequence(files: readonly string[], output: string): Promise<Sequence> {
  const extension = path.extname(files[0] ?? '');
  if (files.some((file) => path.extname(file) !== extension)) {
    throw encodeError(output, `all frames must share one file type, got ${extension} and others.`);
  }
  const directory = await mkdtemp(path.join(os.tmpdir(), 'deforum-frames-'));
  const dispose = (): Promise<void> => rm(directory, { recursive: true, force: true });
  try {
    await Promise.all(
      files.map((file, f) =>
        symlink(path.resolve(file), path.join(directory, `${String(f).padStart(5, '0')}${extension}`)),
      ),
    );
    return { ...(await patternSequence(directory, `%05d${extension}`, files.length, output)), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

function openSequence(frames: FrameInput, output: string): Promise<Sequence> {
  if (frames.kind === 'files') return fileListSequence(frames.files, output);
  return patternSequence(frames.directory, frames.pattern, frames.count, output);
}

function outputOptions(container: Container, options: EncodeOptions, count: number): string[] {
  const common = ['-frames:v', String(count)];
  if (container === 'gif') return [...common, ...gifOutputArguments(options.fps)];
  return [
    ...common,
    ...mp4OutputArguments({ fps: options.fps, audio: options.audio === undefined ? 'none' : 'soundtrack' }),
  ];
}

async function runFfmpeg(container: Container, sequence: Sequence, options: EncodeOptions): Promise<void> {
  const { output, fps, onProgress, signal } = options;
  const total = sequence.count;
  const command = ffmpeg()
    .input(sequence.input)
    .inputOptions(['-r', String(fps), '-start_number', '0'])
    .outputOptions(outputOptions(container, options, total))
    .output(output);
  if (container === 'mp4' && options.audio !== undefined) command.input(options.audio);
  if (options.ffmpegPath !== undefined) command.setFfmpegPath(options.ffmpegPath);
  await runFluentCommand(command, {
    signal,
    onFrames: (frames) => onProgress?.({ frame: Math.min(frames, total), total }),
    failure: (error, stderr) => {
      const tail = stderrTail(stderr);
      const reason = tail === '' ? `${error.message}. ${INSTALL_HINT}` : `ffmpeg failed:\n${tail}\n${INSTALL_HINT}`;
      return encodeError(output, reason, error);
    },
  });
  onProgress?.({ frame: total, total });
}

/** fluent-ffmpeg crashes instead of reporting when an explicit binary cannot be spawned, so check it first. */
async function checkBinary(ffmpegPath: string, output: string): Promise<void> {
  try {
    await access(ffmpegPath, constants.X_OK);
  } catch (cause) {
    throw encodeError(output, `${ffmpegPath} is not an executable ffmpeg. ${INSTALL_HINT}`, cause);
  }
}

async function encode(container: Container, options: EncodeOptions): Promise<void> {
  if (!(options.fps > 0)) throw encodeError(options.output, `fps must be positive, got ${options.fps}.`);
  if (options.ffmpegPath !== undefined) await checkBinary(options.ffmpegPath, options.output);
  if (container === 'mp4' && options.audio !== undefined) await checkSoundtrack(options.audio, options.ffmpegPath);
  const sequence = await openSequence(options.frames, options.output);
  if (sequence.count === 0) {
    await sequence.dispose();
    throw encodeError(options.output, 'there are no frames to encode.');
  }
  try {
    await runFfmpeg(container, sequence, options);
  } finally {
    await sequence.dispose();
  }
}

/** Encodes the frames as H.264 MP4 with the notebook's settings. */
export function encodeMp4(options: EncodeOptions): Promise<void> {
  return encode('mp4', options);
}

/** Encodes the frames as an animated GIF with a palette computed from the frames. */
export function encodeGif(options: EncodeOptions): Promise<void> {
  return encode('gif', options);
}

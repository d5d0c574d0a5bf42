/**
 * Runs the system ffmpeg and ffprobe as child processes for the video modules: the binary (an explicit path, else
 * `FFMPEG_PATH` / `FFPROBE_PATH` as fluent-ffmpeg reads them for encode.ts, so every encoder uses the same one,
 * else the PATH), abort by SIGKILL, and failures as `video_encode_failed` with the end of ffmpeg's stderr and an
 * install hint.
 * ffmpeg reports its progress on stderr (`-progress pipe:2`) so that its final report (`progress=end`), which it
 * writes once the output's trailer is written and flushed, arrives in order after any error message: a finished
 * MP4 can be used from then on, without waiting for ffmpeg to tear itself down (≈ 10 ms, issue 6 "Speed").
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

import { DeforumError } from '../errors.js';

export const INSTALL_HINT = 'Is ffmpeg installed? On Debian/Ubuntu: apt-get install ffmpeg (or set FFMPEG_PATH).';

const STDERR_TAIL_LINES = 12;
/** ffmpeg at `-v error` writes little; this bounds memory if a broken input makes it write a line per frame. */
const STDERR_KEEP_CHARS = 16_384;

export function encodeError(output: string, reason: string, cause?: unknown): DeforumError {
  return new DeforumError(
    { code: 'video_encode_failed', output, reason },
    `Could not make the video ${output}: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

export function stderrTail(stderr: string): string {
  return stderr.trim().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}

export function ffmpegBinary(ffmpegPath?: string): string {
  return ffmpegPath ?? process.env['FFMPEG_PATH'] ?? 'ffmpeg';
}

/** ffprobe beside an explicit ffmpeg (the same installation), else `FFPROBE_PATH` or the PATH. */
export function ffprobeBinary(ffmpegPath?: string): string {
  if (ffmpegPath !== undefined) return ffmpegPath.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1');
  return process.env['FFPROBE_PATH'] ?? 'ffprobe';
}

export interface FfmpegRunOptions {
  /** The file being made, named in errors. */
  output: string;
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
}

export interface RunningFfmpeg {
  readonly stdin: Writable;
  /** Settles when ffmpeg exits: resolves on status 0, rejects with a `video_encode_failed` or the abort reason. */
  readonly exited: Promise<void>;
  /**
   * Resolves once the output file is complete on disk: at ffmpeg's final progress report when no error came before
   * it, else as `exited` settles. Files ffmpeg writes as it closes its encoders (a two-pass log) may still be
   * unfinished then: wait for `exited` for those.
   */
  readonly outputComplete: Promise<void>;
  kill(): void;
}

/** `key=value` lines of `-progress`; the last line of the last report is `progress=end`. */
const PROGRESS_LINE = /^[a-z0-9_]+=/;

/** Starts `ffmpeg -y <args>` with a pipe on stdin (the stream encoder writes frames into it). */
export function startFfmpeg(args: readonly string[], options: FfmpegRunOptions): RunningFfmpeg {
  const { output, signal } = options;
  const binary = ffmpegBinary(options.ffmpegPath);
  const child: ChildProcessByStdio<Writable, null, Readable> = spawn(
    binary,
    ['-hide_banner', '-nostats', '-progress', 'pipe:2', '-v', 'error', '-y', ...args],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let partialLine = '';
  let reportedEnd = (): void => undefined;
  const endReported = new Promise<void>((resolve) => (reportedEnd = resolve));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (partialLine + chunk).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (!PROGRESS_LINE.test(line)) stderr = `${stderr}${line}\n`.slice(-STDERR_KEEP_CHARS);
      // At `-v error` any message is an error: then only the exit status says whether the output is usable.
      else if (line === 'progress=end' && stderr === '') reportedEnd();
    }
  });
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  const exited = new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown): void => {
      signal?.removeEventListener('abort', kill);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    child.once('error', (error) => {
      settle(encodeError(output, `${binary} could not be started (${error.message}). ${INSTALL_HINT}`, error));
    });
    child.once('close', (status, killedBy) => {
      if (signal?.aborted === true) settle(signal.reason);
      else if (status === 0) settle();
      else {
        const tail = stderrTail(stderr + partialLine);
        const how = killedBy === null ? `exited with status ${status}` : `was stopped by ${killedBy}`;
        settle(encodeError(output, `ffmpeg ${how}${tail === '' ? '.' : `:\n${tail}`}`));
      }
    });
  });
  // Callers await `exited` when they write, finish or abort; this keeps a failure between two writes from being
  // reported by Node as unhandled before the next await sees it.
  exited.catch(() => undefined);
  const outputComplete = Promise.race([endReported, exited]);
  outputComplete.catch(() => undefined);
  // A write after ffmpeg has gone fails with EPIPE; `exited` carries the reason, with ffmpeg's own message.
  child.stdin.on('error', () => undefined);
  if (signal?.aborted === true) kill();
  else signal?.addEventListener('abort', kill, { once: true });
  return { stdin: child.stdin, exited, outputComplete, kill };
}

/** Runs ffmpeg to completion with nothing on stdin. */
export function runFfmpeg(args: readonly string[], options: FfmpegRunOptions): Promise<void> {
  const running = startFfmpeg(args, options);
  running.stdin.end();
  return running.exited;
}

/** Runs ffprobe and returns its stdout; a failure rejects with the end of ffprobe's stderr as the message. */
export function runFfprobe(args: readonly string[], ffmpegPath?: string): Promise<string> {
  const binary = ffprobeBinary(ffmpegPath);
  return new Promise<string>((resolve, reject) => {
    const child = spawn(binary, ['-v', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
    });
    child.once('error', (error) => {
      reject(new Error(`${binary} could not be started (${error.message}). ${INSTALL_HINT}`, { cause: error }));
    });
    child.once('close', (status) => {
      if (status === 0) resolve(stdout);
      else reject(new Error(stderrTail(stderr) || `ffprobe exited with status ${status}`));
    });
  });
}

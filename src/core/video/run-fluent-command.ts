/**
 * Runs a prepared fluent-ffmpeg command as a promise: abortable (the signal kills ffmpeg and rejects with its
 * reason), with progress in frames, and ffmpeg's failure turned into the caller's error from its stderr.
 */
import type { FfmpegCommand } from 'fluent-ffmpeg';

export interface FluentRunOptions {
  signal?: AbortSignal | undefined;
  onFrames?: ((frames: number) => void) | undefined;
  failure: (error: Error, stderr: string) => Error;
}

export function runFluentCommand(command: FfmpegCommand, options: FluentRunOptions): Promise<void> {
  const { signal, onFrames, failure } = options;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      command.kill('SIGKILL');
    };
    const settle = (error?: unknown): void => {
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    command
      .on('progress', (progress: { frames?: number }) => onFrames?.(progress.frames ?? 0))
      .on('end', () => settle())
      .on('error', (error: Error, _stdout: string | null, stderr: string | null) => {
        settle(signal?.aborted === true ? signal.reason : failure(error, stderr ?? ''));
      });
    if (signal?.aborted === true) {
      settle(signal.reason);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    command.run();
  });
}

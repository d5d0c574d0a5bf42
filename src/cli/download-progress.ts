/**
 * The download progress bar of `deforum models fetch`: file name, bytes done of total, speed and ETA on stderr.
 * Like the render bar (progress-bar.ts) it stays silent when stderr is not a terminal.
 */
import { SingleBar } from 'cli-progress';

export interface ByteProgress {
  update(bytesDone: number, bytesTotal: number | null): void;
  stop(): void;
}

const MIB = 1024 * 1024;

export function startByteProgress(label: string): ByteProgress {
  const startedAt = performance.now();
  const bar = new SingleBar({
    format: `${label} {bar} {doneMiB}/{totalMiB} MiB | {mibPerSecond} MiB/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update(bytesDone, bytesTotal) {
      const total = bytesTotal ?? bytesDone;
      const seconds = (performance.now() - startedAt) / 1000;
      const payload = {
        doneMiB: (bytesDone / MIB).toFixed(1),
        totalMiB: bytesTotal === null ? '?' : (bytesTotal / MIB).toFixed(1),
        mibPerSecond: seconds > 0 ? (bytesDone / MIB / seconds).toFixed(1) : '-',
      };
      if (!started) {
        bar.start(total, bytesDone, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(bytesDone, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * The CLI's render progress bar: frame n/N, seconds per frame and ETA on stderr. On a terminal it redraws in
 * place; when stderr is not a terminal (CI, pipes) it stays silent so logs are not flooded.
 */
import { SingleBar } from 'cli-progress';

export interface FrameProgress {
  update(framesDone: number): void;
  stop(): void;
}

export function startFrameProgress(label: string, totalFrames: number): FrameProgress {
  const startedAt = performance.now();
  const bar = new SingleBar({
    format: `${label} {bar} frame {value}/{total} | {secondsPerFrame} s/frame | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 20,
  });
  bar.start(totalFrames, 0, { secondsPerFrame: '-' });
  return {
    update(framesDone) {
      const seconds = (performance.now() - startedAt) / 1000;
      const secondsPerFrame = framesDone > 0 ? (seconds / framesDone).toFixed(3) : '-';
      bar.update(framesDone, { secondsPerFrame });
    },
    stop() {
      bar.stop();
    },
  };
}

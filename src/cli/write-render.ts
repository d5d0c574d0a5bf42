/**
 * The I/O edge of a render: consumes the loop's events, writes every `frame:done` image as
 * `{timestring}_{frame:05}.png` the moment it arrives, and drives the progress bar (frame n/N, s/frame, ETA).
 * Ctrl-C aborts the loop between frames; every frame written so far stays on disk and the error says where.
 */
import path from 'node:path';
import type { RenderEvent } from '../core/animation/render-events.js';
import { DeforumError } from '../core/errors.js';
import { writePng } from '../core/image/codec.js';
import { frameFileName } from '../core/video/frame-files.js';
import { startFrameProgress } from './progress-bar.js';

export interface RenderTarget {
  out: string;
  timestring: string;
  frameCount: number;
  /** Progress bar label: `render` or `preview`. */
  label: string;
}

/** Writes the frames of `start(signal)`'s events; resolves with the number of frames written (frameCount). */
export async function writeRender(
  start: (signal: AbortSignal) => AsyncIterable<RenderEvent>,
  target: RenderTarget,
): Promise<number> {
  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  const progress = startFrameProgress(target.label, target.frameCount);
  let written = 0;
  try {
    for await (const event of start(abort.signal)) {
      if (event.type !== 'frame:done') continue;
      await writePng(event.image, path.join(target.out, frameFileName(target.timestring, event.frame)));
      written = event.frame + 1;
      progress.update(written);
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
    const kept = written === 0 ? 'no frame was written' : `frames 0…${written - 1} are in ${target.out}`;
    throw new DeforumError(
      { code: 'interrupted', framesDone: written },
      `interrupted after ${written} of ${target.frameCount} frames; ${kept} (run ${target.timestring}). ` +
        'Resuming is not available yet: render again to start over. The frames stay; this run is ' +
        `resume_timestring ${target.timestring} for when resuming is.`,
    );
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
  }
  return written;
}

/**
 * The I/O edge of a render: consumes the loop's events, writes every `frame:done` image as
 * `{timestring}_{frame:05}.png` the moment it arrives, and drives the progress bar (frame n/N, s/frame, ETA).
 * Ctrl-C aborts the loop between frames; every frame written so far stays on disk and the error says where.
 * Each frame's checkpoint is stored after its PNG, so a checkpoint never points past the frames on disk and a
 * killed render loses at most the frame in flight; the Ctrl-C message gives the command that resumes.
 */
import path from 'node:path';
import type { Checkpoint } from '../core/animation/checkpoint.js';
import type { RenderEvent } from '../core/animation/render-events.js';
import { DeforumError } from '../core/errors.js';
import { frameFileName } from '../core/video/frame-files.js';
import { writeFrameImage, writeImageFile } from './write-image-file.js';
import type { Mp4Stream } from '../core/video/stream-encoder.js';
import { createFrameOutput } from './frame-output.js';
import { startFrameProgress } from './progress-bar.js';

export interface RenderTarget {
  out: string;
  timestring: string;
  frameCount: number;
  /** Progress bar label: `render` or `preview`. */
  label: string;
  /** Frames 0 … framesDone − 1 are on disk from before a resume. */
  framesDone?: number;
  /** Stores a frame's checkpoint once the frame is on disk; absent for a run that cannot resume (preview). */
  saveCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
  /** The command that continues this run after Ctrl-C. */
  resumeCommand?: string;
  /** The MP4 fed while rendering with frames 0 … frames − 1; finished when the last frame is saved. */
  video?: { stream: Mp4Stream; frames: number };
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
  // Saving and encoding overlap with the loop's next frame (frame-output.ts); `written` counts frames on disk.
  const output = createFrameOutput({
    video: target.video?.stream ?? null,
    videoFrames: target.video?.frames ?? 0,
    firstFrame: target.framesDone ?? 0,
    onSaved: (saved) => progress.update(saved),
  });
  let written: number;
  try {
    for await (const event of start(abort.signal)) {
      if (event.type === 'image:file') await writeImageFile(target.out, event);
      if (event.type !== 'frame:done') continue;
      const { checkpoint, image } = event;
      const file = path.join(target.out, frameFileName(target.timestring, event.frame));
      const save = target.saveCheckpoint;
      const { depth } = event;
      const depthFile = path.join(target.out, frameFileName(`${target.timestring}_depth`, event.frame));
      await output.add(
        event.frame,
        image,
        async () => {
          await writeFrameImage(event, file);
          if (depth !== undefined) await writeFrameImage(depth, depthFile);
        },
        checkpoint === undefined || save === undefined ? undefined : () => save(checkpoint),
      );
    }
    await output.finish();
    written = output.framesSaved;
  } catch (error) {
    await output.abort();
    written = output.framesSaved;
    if (!abort.signal.aborted) throw error;
    const kept = written === 0 ? 'no frame was written' : `frames 0…${written - 1} are in ${target.out}`;
    throw new DeforumError(
      { code: 'interrupted', framesDone: written },
      `interrupted after ${written} of ${target.frameCount} frames; ${kept} (run ${target.timestring}). ` +
        (target.resumeCommand === undefined
          ? 'The frames stay; render again to start over.'
          : `Continue it with: ${target.resumeCommand}`),
    );
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
  }
  return written;
}

/**
 * Stores and records a job's frames off the render's critical path (issue 7 "Speed": checkpointing may add less
 * than 2% to a frame). Frame N's PNG encode, its storage writes (the PNG and its checkpoint) and its fenced row
 * (JobLeases.recordFrame, which renews the lease too) run while the loop renders frame N + 1.
 *
 * - One frame is being stored at a time: `add` waits for the previous frame's record before it starts the next, so
 *   rows are recorded in frame order, a recorded frame always has both files, and a store slower than the render
 *   slows the render instead of piling frames up in memory.
 * - A failed write or record (`lease_lost` included) aborts `signal`, which the render loop watches, so the render
 *   stops within a sampler step instead of finishing a frame nobody will record; `add` and `flush` then reject with
 *   that failure.
 * - A worker that dies loses the frame it renders and, if it dies while storing, the frame being stored; the store
 *   is a small part of a frame, so that costs about one frame (docs/fleet.md).
 */
import { encodeCheckpoint } from '../core/animation/checkpoint.js';
import type { FrameDoneEvent } from '../core/animation/render-events.js';
import { encodePng } from '../core/image/codec.js';
import type { JobLeases } from '../jobs/job-leases.js';
import { checkpointKey, frameKey, type Storage } from '../storage/storage.js';
import type { LeaseKeeper } from './lease.js';
import type { Logger } from './logger.js';
import type { WorkerMetrics } from './metrics.js';

/**
 * zlib level of stored frames. PNG is lossless at every level, so this trades bytes for encode time only. On a
 * 512² frame as textured as a diffused one (bench/checkpoint.bench.ts), level 2 takes about a quarter less time
 * than the default 6 for under 3% more bytes; level 1 halves the time but adds 45% bytes, which every store and
 * fetch of the frame pays (the store is the fleet's bandwidth limit, docs/fleet.md).
 */
export const FRAME_PNG_LEVEL = 2;

export interface FrameRecorderDeps {
  leases: Pick<JobLeases, 'recordFrame'>;
  storage: Storage;
  metrics: WorkerMetrics;
}

export interface FrameRecorder {
  /** Aborts with the first failed write or record. */
  readonly signal: AbortSignal;
  /** Waits until the previous frame is recorded, then starts storing this one; rejects once a frame failed. */
  add(event: FrameDoneEvent): Promise<void>;
  /** Waits until every frame added is recorded; rejects with the failure when one was not. */
  flush(): Promise<void>;
}

export function createFrameRecorder(lease: LeaseKeeper, deps: FrameRecorderDeps, log: Logger): FrameRecorder {
  const failed = new AbortController();
  let pending: Promise<void> = Promise.resolve();
  let recordedAt = performance.now();

  const store = async (event: FrameDoneEvent): Promise<void> => {
    const { jobId, attempt } = lease.current;
    const storageKey = frameKey(jobId, event.frame, attempt);
    const png =
      event.image16 === undefined
        ? await encodePng(event.image, { compressionLevel: FRAME_PNG_LEVEL })
        : await encodePng(event.image16, { bitDepth: 16, compressionLevel: FRAME_PNG_LEVEL });
    const checkpoint = event.checkpoint;
    await Promise.all([
      deps.storage.put(storageKey, png),
      checkpoint !== undefined &&
        deps.storage.put(checkpointKey(jobId, event.frame, attempt), encodeCheckpoint(checkpoint)),
    ]);
    lease.renewed(await deps.leases.recordFrame(lease.current, { frameIndex: event.frame, storageKey }));
    const now = performance.now();
    deps.metrics.frameRecorded((now - recordedAt) / 1000);
    recordedAt = now;
    log.debug({ frame: event.frame }, 'frame recorded');
  };

  const flush = async (): Promise<void> => {
    await pending;
    failed.signal.throwIfAborted();
  };

  return {
    signal: failed.signal,
    async add(event) {
      await flush();
      pending = store(event).catch((error: unknown) => failed.abort(error));
    },
    flush,
  };
}

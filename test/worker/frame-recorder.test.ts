/**
 * The worker's frame recorder (src/worker/frame-recorder.ts) against the real Postgres and a storage folder: frames
 * are stored and recorded while the next one renders, one at a time and in order, and a failed store or record
 * stops the render with that failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeCheckpoint } from '../../src/core/animation/checkpoint.js';
import { motionPreview } from '../../src/core/animation/motion-preview.js';
import type { FrameDoneEvent } from '../../src/core/animation/render-events.js';
import { isDeforumError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/core/image/codec.js';
import type { ClaimedJob } from '../../src/jobs/job-leases.js';
import { checkpointKey, LocalStorage, type Storage } from '../../src/storage/storage.js';
import { createFrameRecorder } from '../../src/worker/frame-recorder.js';
import { keepLease, type LeaseKeeper } from '../../src/worker/lease.js';
import { createWorkerLogger } from '../../src/worker/logger.js';
import { WorkerMetrics } from '../../src/worker/metrics.js';
import { renderJob } from '../../src/worker/render-job.js';
import { defined, stores } from '../jobs/fixtures.js';
import { useTestDatabase } from '../support/database.js';
import { INIT_FILE, previewSettings, submitPreview } from './fleet-support.js';

const db = useTestDatabase('frame_recorder');
const scratch = mkdtempSync(path.join(tmpdir(), 'deforum-frame-recorder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const log = createWorkerLogger('frame-recorder-test', 'silent');
const TIMING = { leaseMs: 60_000, heartbeatMs: 20_000 };
const settings = previewSettings({ W: 64, H: 64, max_frames: 6 });

/** Real frames of a preview render, checkpoints included. */
async function frameEvents(count: number): Promise<FrameDoneEvent[]> {
  const init = await decodeImage(INIT_FILE, { size: { width: settings.W, height: settings.H } });
  const events: FrameDoneEvent[] = [];
  for await (const event of motionPreview({ settings, init })) {
    if (event.type === 'frame:done' && events.length < count) events.push(event);
  }
  return events;
}

/** A storage folder whose frame PNG writes wait until `open()`: the test decides when a store may finish. */
function gatedStorage(root: string): Storage & { open(): void; frameWrites: number[] } {
  const local = new LocalStorage(root);
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const frameWrites: number[] = [];
  return {
    put: async (key, bytes) => {
      const frame = /frames\/(\d+)/.exec(key)?.[1];
      if (frame !== undefined) {
        frameWrites.push(Number(frame));
        await gate;
      }
      await local.put(key, bytes);
    },
    get: (key) => local.get(key),
    delete: (key) => local.delete(key),
    list: (prefix) => local.list(prefix),
    deleteJob: (jobId) => local.deleteJob(jobId),
    deleteJobFolder: (jobId, folder) => local.deleteJobFolder(jobId, folder),
    open: () => open(),
    frameWrites,
  };
}

let users = 0;

/** A new preview job with its init (its own user, so the active-job cap never bites), claimed, its lease kept. */
async function claimJob(storage: Storage): Promise<{ claimed: ClaimedJob; lease: LeaseKeeper }> {
  const { jobs, leases } = stores(db().prisma);
  await submitPreview(jobs, storage, settings, `user-${++users}`);
  const claimed = defined(await leases.claim({ workerId: 'w', models: [] }), 'a claimed job');
  return { claimed, lease: keepLease(leases, claimed.lease, TIMING, log) };
}

/** Lets every callback that is ready run (the pg driver's replies and the file writes included). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('frame recorder', () => {
  test('stores a frame while the next renders, one at a time, recording them in order with both files', async () => {
    const { jobs, leases } = stores(db().prisma);
    const storage = gatedStorage(path.join(scratch, 'ordered'));
    const { lease, claimed } = await claimJob(storage);
    const jobId = claimed.job.id;
    const before = lease.current.leaseUntil;
    const recorder = createFrameRecorder(lease, { leases, storage, metrics: new WorkerMetrics() }, log);
    const [first, second] = await frameEvents(2);
    try {
      // Frame 0's store is held at the gate, yet the render may go on at once.
      await recorder.add(defined(first, 'frame 0'));
      let secondAdded = false;
      const addingSecond = recorder.add(defined(second, 'frame 1')).then(() => (secondAdded = true));
      await settle();
      expect(storage.frameWrites).toEqual([0]);
      expect(secondAdded).toBe(false);
      expect(await jobs.listFrames(jobId)).toEqual([]);

      storage.open();
      await addingSecond;
      await recorder.flush();
      const frames = await jobs.listFrames(jobId);
      expect(frames.map((frame) => frame.frameIndex)).toEqual([0, 1]);
      expect((await jobs.getJob(jobId)).framesDone).toBe(2);
      expect(lease.current.leaseUntil.getTime()).toBeGreaterThan(before.getTime());
      for (const [index, event] of [first, second].entries()) {
        const frame = defined(frames[index], `row of frame ${index}`);
        const png = await decodeImage(await storage.get(frame.storageKey));
        expect(Buffer.from(png.data).equals(Buffer.from(defined(event, 'event').image.data))).toBe(true);
        const checkpoint = decodeCheckpoint(await storage.get(checkpointKey(jobId, index, frame.attempt)));
        expect(checkpoint.framesDone).toBe(index + 1);
      }
    } finally {
      lease.stop();
    }
  });

  test('a lease lost while recording aborts the signal; later adds and the flush reject with lease_lost', async () => {
    const { jobs, leases } = stores(db().prisma);
    const storage = new LocalStorage(path.join(scratch, 'lost'));
    const { lease, claimed } = await claimJob(storage);
    const jobId = claimed.job.id;
    const recorder = createFrameRecorder(lease, { leases, storage, metrics: new WorkerMetrics() }, log);
    const [first, second] = await frameEvents(2);
    try {
      await jobs.cancel(jobId, { userId: claimed.job.userId });
      await recorder.add(defined(first, 'frame 0'));
      const aborted = new Promise<unknown>((resolve) =>
        recorder.signal.addEventListener('abort', () => resolve(recorder.signal.reason)),
      );
      const reason = await aborted;
      expect(isDeforumError(reason) && reason.details.code).toBe('lease_lost');
      await expect(recorder.add(defined(second, 'frame 1'))).rejects.toMatchObject({
        details: { code: 'lease_lost' },
      });
      await expect(recorder.flush()).rejects.toMatchObject({ details: { code: 'lease_lost' } });
      expect(await jobs.listFrames(jobId)).toEqual([]);
    } finally {
      lease.stop();
    }
  });

  test('a failed store stops the render: renderJob rejects with that failure and stores no later frame', async () => {
    const { jobs, leases } = stores(db().prisma);
    const local = new LocalStorage(path.join(scratch, 'failing'));
    const { lease, claimed } = await claimJob(local);
    const jobId = claimed.job.id;
    const frameWrites: number[] = [];
    const storage: Storage = {
      put: async (key, bytes) => {
        const frame = /frames\/(\d+)/.exec(key)?.[1];
        if (frame !== undefined) frameWrites.push(Number(frame));
        if (frame !== undefined && Number(frame) === 1) throw new Error('the store refused frame 1');
        await local.put(key, bytes);
      },
      get: (key) => local.get(key),
      delete: (key) => local.delete(key),
      list: (prefix) => local.list(prefix),
      deleteJob: (id) => local.deleteJob(id),
      deleteJobFolder: (id, folder) => local.deleteJobFolder(id, folder),
    };
    const deps = {
      leases,
      jobs,
      storage,
      metrics: new WorkerMetrics(),
      sessions: { generatorFor: () => Promise.reject(new Error('a preview job loads no model')) },
    };
    try {
      await expect(renderJob({ job: claimed.job, lease, stopRequested: () => false, log }, deps)).rejects.toThrow(
        'the store refused frame 1',
      );
      expect(frameWrites).toEqual([0, 1]);
      expect((await jobs.listFrames(jobId)).map((frame) => frame.frameIndex)).toEqual([0]);
    } finally {
      lease.stop();
    }
  });
});

/**
 * Reliability of the worker fleet (issue 7): real Postgres, real `deforum worker` processes, preview jobs (the
 * render loop with the identity generator: fast and deterministic) and a 1.5 s lease. A killed, stalled or stopped
 * worker costs at most the frame in flight, and the frames of a resumed job equal an uninterrupted render's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeforumSettings } from '../../src/core/settings/schema.js';
import { JobStore } from '../../src/jobs/job-store.js';
import { LocalStorage } from '../../src/storage/storage.js';
import { useTestDatabase } from '../support/database.js';
import { testConfig } from '../jobs/fixtures.js';
import { previewSettings, referenceFrames, startWorker, submitPreview, type WorkerProcess } from './fleet-support.js';

const LEASE_MS = 1500;
const db = useTestDatabase('worker_fleet');
let storageDir: string;
let storage: LocalStorage;
let jobs: JobStore;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  storageDir = await mkdtemp(path.join(os.tmpdir(), 'deforum-fleet-'));
  storage = new LocalStorage(storageDir);
  jobs = new JobStore(db().prisma, testConfig());
});

afterEach(async () => {
  for (const worker of workers) {
    worker.child.kill('SIGCONT');
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
  workers = [];
});

afterAll(async () => {
  await rm(storageDir, { recursive: true, force: true });
});

function start(id: string): WorkerProcess {
  const worker = startWorker(id, { databaseUrl: db().url, storageDir, leaseMs: LEASE_MS });
  workers.push(worker);
  return worker;
}

interface JobRow {
  id: string;
  state: string;
  attempt: number;
  worker_id: string | null;
  frames_done: number;
  failed_attempts: number;
  last_error_code: string | null;
  last_error_message: string | null;
}

async function jobRow(id: string): Promise<JobRow> {
  const [row] = await db().query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
  if (row === undefined) throw new Error(`job ${id} is gone`);
  return row;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The job once a worker is rendering it with at least `frames` frames recorded. */
function waitForRunning(id: string, frames: number, workerIds?: readonly string[]): Promise<JobRow> {
  return waitFor(`job ${id} running with ${frames} frames`, async () => {
    const row = await jobRow(id);
    const mine = workerIds === undefined || (row.worker_id !== null && workerIds.includes(row.worker_id));
    return row.state === 'running' && row.frames_done >= frames && mine ? row : undefined;
  });
}

function waitForState(id: string, state: string, timeoutMs?: number): Promise<JobRow> {
  return waitFor(
    `job ${id} ${state}`,
    async () => {
      const row = await jobRow(id);
      return row.state === state ? row : undefined;
    },
    timeoutMs,
  );
}

/** Every frame recorded once, each file equal (PNG bytes) to the uninterrupted render's frame. */
async function expectFramesEqualReference(
  id: string,
  reference: readonly Buffer[],
): Promise<{ frameIndex: number; attempt: number }[]> {
  const frames = await jobs.listFrames(id);
  expect(frames.map((frame) => frame.frameIndex)).toEqual(reference.map((_, index) => index));
  for (const frame of frames) {
    const bytes = await storage.get(frame.storageKey);
    expect(bytes.equals(reference[frame.frameIndex] ?? Buffer.alloc(0)), `job ${id} frame ${frame.frameIndex}`).toBe(
      true,
    );
  }
  return frames;
}

describe('deforum worker fleet', () => {
  let settings: DeforumSettings;
  let reference: Buffer[];

  beforeAll(async () => {
    settings = previewSettings();
    reference = await referenceFrames(settings);
  });

  it('SIGKILL of a worker mid-job: every job finishes, every frame once, resumed frames equal the reference', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await submitPreview(jobs, storage, settings, `user${i % 3}`));
    const [victim] = [start('kill-1'), start('kill-2'), start('kill-3')];
    const killed = await waitFor('a job of kill-1 with frames recorded', async () => {
      const rows = await Promise.all(ids.map(jobRow));
      return rows.find((row) => row.worker_id === 'kill-1' && row.state === 'running' && row.frames_done >= 2);
    });
    victim?.child.kill('SIGKILL');
    for (const id of ids) await waitForState(id, 'succeeded', 40_000);
    for (const id of ids) await expectFramesEqualReference(id, reference);
    const resumed = await jobRow(killed.id);
    expect(resumed.attempt).toBeGreaterThanOrEqual(2);
    const attempts = (await jobs.listFrames(killed.id)).map((frame) => frame.attempt);
    // Frames recorded before the kill were kept, not rendered again: the job resumed from its checkpoint.
    expect(attempts.filter((attempt) => attempt === killed.attempt).length).toBeGreaterThanOrEqual(2);
    expect(attempts.some((attempt) => attempt > killed.attempt)).toBe(true);
  }, 60_000);

  it('SIGSTOP past the lease: the job is reclaimed; after SIGCONT its writes are refused and it drops the job', async () => {
    const id = await submitPreview(jobs, storage, previewSettings({ max_frames: 20 }));
    const long = await referenceFrames(previewSettings({ max_frames: 20 }));
    const stalled = start('stop-1');
    const stalledAt = await waitForRunning(id, 2, ['stop-1']);
    stalled.child.kill('SIGSTOP');
    start('stop-2');
    const taken = await waitFor('the job reclaimed by stop-2', async () => {
      const row = await jobRow(id);
      return row.worker_id === 'stop-2' && row.attempt > stalledAt.attempt ? row : undefined;
    });
    expect(taken.failed_attempts).toBe(1);
    stalled.child.kill('SIGCONT');
    await waitForState(id, 'succeeded');
    await waitFor('the stalled worker to drop the job', async () =>
      /lease lost/.test(stalled.output()) ? true : undefined,
    );
    const frames = await expectFramesEqualReference(id, long);
    // Whatever the stalled attempt did after the reclaim was refused: no frame after the reclaim is its.
    const resumedAt = taken.frames_done;
    expect(frames.filter((f) => f.frameIndex >= resumedAt).every((f) => f.attempt === taken.attempt)).toBe(true);
    stalled.child.kill('SIGTERM');
    expect(await stalled.exited).toBe(0);
  }, 60_000);

  it('SIGTERM: the frame in flight is recorded, the job goes back to queued, another worker finishes it', async () => {
    const id = await submitPreview(jobs, storage, settings);
    const first = start('term-1');
    await waitForRunning(id, 2, ['term-1']);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const released = await jobRow(id);
    expect(released.state).toBe('queued');
    expect(released.failed_attempts).toBe(0);
    expect(released.frames_done).toBeGreaterThanOrEqual(2);
    start('term-2');
    const done = await waitForState(id, 'succeeded');
    expect(done.attempt).toBe(2);
    expect(done.worker_id).toBe('term-2');
    await expectFramesEqualReference(id, reference);
  }, 60_000);

  it('a job whose settings fail at render time fails once with the reason and is not retried', async () => {
    const id = await submitPreview(jobs, storage, previewSettings({ use_mask: true }));
    start('bad-1');
    const failed = await waitForState(id, 'failed');
    expect(failed.attempt).toBe(1);
    expect(failed.last_error_code).toBe('settings_invalid');
    expect(failed.last_error_message).toMatch(/use_mask/);
    await sleep(LEASE_MS);
    expect((await jobRow(id)).state).toBe('failed');
  }, 30_000);
});

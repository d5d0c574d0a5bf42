/**
 * Reliability (issue 7): Postgres restarts during a run. A private cluster (never the machine's shared server),
 * real `deforum worker` processes, preview jobs; `pg_ctl restart -m fast` while frames are being recorded. The
 * workers reconnect and finish every job, each frame recorded exactly once and equal to an uninterrupted render.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJobDatabase, type JobDatabase } from '../../src/jobs/database.js';
import { JobStore } from '../../src/jobs/job-store.js';
import { LocalStorage } from '../../src/storage/storage.js';
import { testConfig } from '../jobs/fixtures.js';
import { previewSettings, referenceFrames, startWorker, submitPreview, type WorkerProcess } from './fleet-support.js';
import { postgresBinDir, startPrivateCluster, type PrivateCluster } from './private-postgres.js';

const BIN_DIR = postgresBinDir();
if (BIN_DIR === null) {
  console.warn('skipping "Postgres restarts during a run": initdb/pg_ctl not found under /usr/lib/postgresql/*/bin');
}

describe.skipIf(BIN_DIR === null)('Postgres restarts during a run', () => {
  let cluster: PrivateCluster;
  let prisma: JobDatabase;
  let storageDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    cluster = await startPrivateCluster(BIN_DIR ?? '');
    prisma = openJobDatabase(cluster.url, { poolSize: 4 });
    storageDir = await mkdtemp(path.join(os.tmpdir(), 'deforum-pg-restart-'));
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await prisma?.$disconnect();
    await cluster?.stop();
    if (storageDir !== undefined) await rm(storageDir, { recursive: true, force: true });
  });

  it('workers reconnect and finish every job, every frame exactly once', async () => {
    const settings = previewSettings({ max_frames: 24 });
    const reference = await referenceFrames(settings);
    const storage = new LocalStorage(storageDir);
    const jobs = new JobStore(prisma, testConfig());
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await submitPreview(jobs, storage, settings, `user${i}`));
    for (const id of ['pg-1', 'pg-2']) {
      workers.push(startWorker(id, { databaseUrl: cluster.url, storageDir, leaseMs: 1500 }));
    }
    const framesDone = async (): Promise<number> =>
      (await Promise.all(ids.map((id) => jobs.listFrames(id)))).reduce((sum, frames) => sum + frames.length, 0);
    const deadline = Date.now() + 30_000;
    while ((await framesDone()) < 6 && Date.now() < deadline) await sleep(25);
    await cluster.restart();

    const finished = Date.now() + 40_000;
    let states: string[] = [];
    while (Date.now() < finished) {
      try {
        states = await Promise.all(ids.map(async (id) => (await jobs.getJob(id)).state.status));
        if (states.every((state) => state === 'succeeded')) break;
      } catch {
        // This process's own pool reconnects too.
      }
      await sleep(100);
    }
    expect(states, workers.map((worker) => worker.output().slice(-2000)).join('\n')).toEqual(
      ids.map(() => 'succeeded'),
    );
    for (const id of ids) {
      const frames = await jobs.listFrames(id);
      expect(frames.map((frame) => frame.frameIndex)).toEqual(reference.map((_, index) => index));
      for (const frame of frames) {
        expect((await storage.get(frame.storageKey)).equals(reference[frame.frameIndex] ?? Buffer.alloc(0))).toBe(true);
      }
    }
    // The workers survived the restart (they reconnected rather than crashed).
    expect(workers.every((worker) => worker.child.exitCode === null)).toBe(true);
  }, 90_000);
});

/**
 * The retention sweep (src/worker/retention.ts) against the real Postgres and a storage folder: frames and
 * checkpoints of jobs that succeeded before the cutoff go, with their rows; results, newer jobs and jobs that can
 * still be resumed keep theirs; a second sweep finds nothing left to do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  checkpointKey,
  frameKey,
  jobFileKey,
  jobPrefix,
  LocalStorage,
  type Storage,
} from '../../src/storage/storage.js';
import { sweepRetention } from '../../src/worker/retention.js';
import { defined, smallSettings, stores } from '../jobs/fixtures.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase('retention');
const scratch = mkdtempSync(path.join(tmpdir(), 'deforum-retention-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const storage: Storage = new LocalStorage(scratch);
let users = 0;

/** A claimed job with two frames stored and recorded; `end` finishes it, `finishedDaysAgo` back-dates that. */
async function jobWithFrames(end: 'succeed' | 'cancel', finishedDaysAgo: number): Promise<string> {
  const { jobs, leases } = stores(db().prisma);
  const userId = `user-${++users}`;
  const job = await jobs.enqueue({ userId, settings: smallSettings(), model: 'm' });
  const { lease } = defined(await leases.claim({ workerId: 'w', models: ['m'] }), 'a claimed job');
  for (const frameIndex of [0, 1]) {
    const storageKey = frameKey(job.id, frameIndex, lease.attempt);
    await storage.put(storageKey, new Uint8Array([frameIndex]));
    await storage.put(checkpointKey(job.id, frameIndex, lease.attempt), new Uint8Array([frameIndex]));
    await leases.recordFrame(lease, { frameIndex, storageKey });
  }
  if (end === 'succeed') {
    const resultKey = jobFileKey(job.id, 'result', 'mp4');
    await storage.put(resultKey, new Uint8Array([9]));
    await leases.complete(lease, { resultKey });
  } else {
    await jobs.cancel(job.id, { userId });
  }
  await db().query(`UPDATE jobs SET finished_at = now() - make_interval(days => $2) WHERE id = $1`, [
    job.id,
    finishedDaysAgo,
  ]);
  return job.id;
}

describe('retention sweep', () => {
  test('deletes the frames, checkpoints and frame rows of jobs that succeeded before the cutoff, nothing else', async () => {
    const { jobs } = stores(db().prisma);
    const old = [await jobWithFrames('succeed', 30), await jobWithFrames('succeed', 8)];
    const recent = await jobWithFrames('succeed', 2);
    const cancelled = await jobWithFrames('cancel', 30);

    const swept = await sweepRetention({ jobs, storage }, { retentionDays: 7 });
    expect(swept).toEqual(old);
    for (const id of old) {
      expect(await storage.list(jobPrefix(id))).toEqual([jobFileKey(id, 'result', 'mp4')]);
      expect(await jobs.listFrames(id)).toEqual([]);
    }
    for (const id of [recent, cancelled]) {
      expect(await storage.list(jobPrefix(id))).toHaveLength(id === recent ? 5 : 4);
      expect(await jobs.listFrames(id)).toHaveLength(2);
    }
    expect(await sweepRetention({ jobs, storage }, { retentionDays: 7 })).toEqual([]);
  });
});

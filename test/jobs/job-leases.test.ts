/** Claims, fair share, leases, fencing and reclaim on the real Postgres (runtime-notes §E, issue 7 point 4). */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { isDeforumError } from '../../src/core/errors.js';
import type { Lease } from '../../src/jobs/job-leases.js';
import { JobWakeups } from '../../src/jobs/job-wakeups.js';
import { useTestDatabase } from '../support/database.js';
import { defined, smallSettings, stores, testConfig } from './fixtures.js';

const db = useTestDatabase('job_leases', { poolSize: 24 });

async function clear(): Promise<void> {
  await db().query('TRUNCATE jobs, quota_usage, users CASCADE');
}

function expectLeaseLost(promise: Promise<unknown>): Promise<void> {
  return expect(promise).rejects.toSatisfy(
    (error: unknown) => isDeforumError(error) && error.details.code === 'lease_lost',
  );
}

describe('claim', () => {
  test('16 concurrent claimers never claim a job twice and leave none behind', async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    for (let i = 0; i < 160; i++) {
      await jobs.enqueue({ userId: `user${i % 8}`, settings: smallSettings({ max_frames: 1 }), model: 'm' });
    }
    const claims: { jobId: string; attempt: number }[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        for (;;) {
          const claimed = await leases.claim({ workerId: `w${w}`, models: ['m'] });
          if (claimed === null) return;
          claims.push({ jobId: claimed.job.id, attempt: claimed.lease.attempt });
          await leases.complete(claimed.lease, { resultKey: `jobs/${claimed.job.id}/result.mp4` });
        }
      }),
    );
    expect(claims).toHaveLength(160);
    expect(new Set(claims.map((c) => c.jobId)).size).toBe(160);
    expect(claims.every((c) => c.attempt === 1)).toBe(true);
    const states = await db().query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM jobs GROUP BY state',
    );
    expect(states).toEqual([{ state: 'succeeded', n: 160 }]);
  });

  test("fair share: one user's 20 jobs do not starve another user's one", async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    for (let i = 0; i < 20; i++) await jobs.enqueue({ userId: 'heavy', settings: smallSettings(), model: 'm' });
    const light = await jobs.enqueue({ userId: 'light', settings: smallSettings(), model: 'm' });
    const first = await leases.claim({ workerId: 'w1', models: ['m'] });
    const second = await leases.claim({ workerId: 'w2', models: ['m'] });
    expect(first?.job.userId).toBe('heavy');
    expect(second?.job.id).toBe(light.id);
  });

  test('fair share holds when each job finishes before the next claim', async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    for (let i = 0; i < 5; i++) await jobs.enqueue({ userId: 'heavy', settings: smallSettings(), model: 'm' });
    await jobs.enqueue({ userId: 'light', settings: smallSettings(), model: 'm' });
    await jobs.enqueue({ userId: 'light', settings: smallSettings(), model: 'm' });
    const order: string[] = [];
    for (;;) {
      const claimed = await leases.claim({ workerId: 'w', models: ['m'] });
      if (claimed === null) break;
      order.push(claimed.job.userId);
      await leases.complete(claimed.lease, { resultKey: 'jobs/x/result.mp4' });
    }
    expect(order).toEqual(['heavy', 'light', 'heavy', 'light', 'heavy', 'heavy', 'heavy']);
  });

  test("priority orders one user's jobs; a worker claims only models it has, previews need none", async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'sd15' });
    const urgent = await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'sd15', priority: 5 });
    const preview = await jobs.enqueue({ userId: 'v', settings: smallSettings(), model: 'sd15', preview: true });
    expect((await leases.claim({ workerId: 'cpu', models: [] }))?.job.id).toBe(preview.id);
    expect(await leases.claim({ workerId: 'other', models: ['sdxl'] })).toBeNull();
    expect((await leases.claim({ workerId: 'gpu', models: ['sdxl', 'sd15'] }))?.job.id).toBe(urgent.id);
  });

  test('job_user_queue, which the claim reads, matches the jobs table after claims, failures, cancels and deletes', async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    for (let i = 0; i < 12; i++) {
      await jobs.enqueue({ userId: `user${i % 3}`, settings: smallSettings(), model: 'm' });
    }
    const a = defined(await leases.claim({ workerId: 'A', models: ['m'] }), 'a claimed job');
    const b = defined(await leases.claim({ workerId: 'B', models: ['m'] }), 'a claimed job');
    const c = defined(await leases.claim({ workerId: 'C', models: ['m'] }), 'a claimed job');
    // Fair share: three users, one job each.
    expect(new Set([a, b, c].map((x) => x.job.userId)).size).toBe(3);
    await leases.complete(a.lease, { resultKey: 'jobs/a/result.mp4' });
    await leases.fail(b.lease, { code: 'x', message: 'retry' }, { retryable: true });
    await leases.release(c.lease);
    const queued = defined(
      (await jobs.listJobs({ userId: 'user1' })).find((j) => j.state.status === 'queued'),
      'a job',
    );
    await jobs.cancel(queued.id, { userId: 'user1' });
    await db().query(
      `DELETE FROM jobs WHERE id = (SELECT id FROM jobs WHERE user_id = 'user2' AND state = 'queued' AND claimed_at IS NULL LIMIT 1)`,
    );
    const mismatches = await db().query(`
      SELECT coalesce(q.user_id, j.user_id) AS user_id FROM job_user_queue q
        FULL JOIN (SELECT user_id, count(*) FILTER (WHERE state = 'queued')::int AS queued,
                          count(*) FILTER (WHERE state = 'running')::int AS running, max(claimed_at) AS served_at
                     FROM jobs GROUP BY user_id) j ON j.user_id = q.user_id
       WHERE (q.queued, q.running, q.served_at) IS DISTINCT FROM (j.queued, j.running, j.served_at)`);
    expect(mismatches).toEqual([]);
  });
});

describe('leases and fencing', () => {
  test("a stale attempt's heartbeat, frames, completion and failure are all refused", async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma, testConfig({ leaseSeconds: 0.2 }));
    const job = await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
    const a = defined(await leases.claim({ workerId: 'A', models: ['m'] }), 'a claimed job');
    await leases.recordFrame(a.lease, { frameIndex: 0, storageKey: 'jobs/x/frames/00000.png' });
    await sleep(300);
    expect((await leases.reclaimExpired()).map((j) => j.state.status)).toEqual(['queued']);
    const b = defined(await leases.claim({ workerId: 'B', models: ['m'] }), 'a claimed job');
    expect(b.lease.attempt).toBe(2);
    expect(b.job.framesDone).toBe(1);

    await expectLeaseLost(leases.heartbeat(a.lease));
    await expectLeaseLost(leases.recordFrame(a.lease, { frameIndex: 1, storageKey: 'stale' }));
    await expectLeaseLost(leases.complete(a.lease, { resultKey: 'stale' }));
    await expectLeaseLost(leases.fail(a.lease, { code: 'x', message: 'stale' }, { retryable: false }));
    // The same worker id with the old attempt is just as stale.
    await expectLeaseLost(leases.heartbeat({ ...a.lease, workerId: 'B' }));

    await leases.recordFrame(b.lease, { frameIndex: 1, storageKey: 'jobs/x/frames/00001.png' });
    const done = await leases.complete(b.lease, { resultKey: 'jobs/x/result.mp4' });
    expect(done.state).toEqual({ status: 'succeeded', attempts: 2, outputKey: 'jobs/x/result.mp4' });
    expect(await jobs.listFrames(job.id)).toEqual([
      { frameIndex: 0, storageKey: 'jobs/x/frames/00000.png', attempt: 1 },
      { frameIndex: 1, storageKey: 'jobs/x/frames/00001.png', attempt: 2 },
    ]);
  });

  test('a heartbeat extends the lease so the sweep leaves the job alone', async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma, testConfig({ leaseSeconds: 0.4 }));
    await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
    let lease: Lease = defined(await leases.claim({ workerId: 'A', models: ['m'] }), 'a claimed job').lease;
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      lease = await leases.heartbeat(lease);
      expect(await leases.reclaimExpired()).toEqual([]);
    }
  });

  test('cancelling a running job fences its worker out', async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    const job = await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
    const claimed = defined(await leases.claim({ workerId: 'A', models: ['m'] }), 'a claimed job');
    await jobs.cancel(job.id, { userId: 'u' });
    await expectLeaseLost(leases.heartbeat(claimed.lease));
    await expectLeaseLost(leases.recordFrame(claimed.lease, { frameIndex: 0, storageKey: 'k' }));
  });

  test('lease expiry → reclaim → retry at once, then with backoff → failed with the reason after the max', async () => {
    await clear();
    const config = testConfig({
      leaseSeconds: 0.2,
      retry: { maxAttempts: 3, backoffBaseSeconds: 0.6, backoffMaxSeconds: 5 },
    });
    const { jobs, leases } = stores(db().prisma, config);
    const job = await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
    const expireOnce = async (): Promise<void> => {
      expect(await leases.claim({ workerId: 'crashy', models: ['m'] })).not.toBeNull();
      await sleep(300);
      expect(await leases.reclaimExpired()).toHaveLength(1);
    };

    await expireOnce();
    // First retry at once.
    await expireOnce();
    // Second retry after the backoff: not claimable yet.
    expect(await leases.claim({ workerId: 'w', models: ['m'] })).toBeNull();
    const queued = await jobs.getJob(job.id);
    expect(queued.state).toMatchObject({ status: 'queued', failedAttempts: 2 });
    await sleep(700);
    await expireOnce();

    const failed = await jobs.getJob(job.id);
    expect(failed.state).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'lease_expired' } });
    expect(failed.lastError?.message).toContain('crashy');
    expect(await leases.claim({ workerId: 'w', models: ['m'] })).toBeNull();
    // Nothing was rendered, so every reserved unit went back.
    expect(failed).toMatchObject({ unitsReserved: 0, unitsUsed: 0 });
  });

  test('bad input fails once with the reason, without retries; resume keeps the checkpoints', async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    const job = await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
    const claimed = defined(await leases.claim({ workerId: 'A', models: ['m'] }), 'a claimed job');
    await leases.recordFrame(claimed.lease, { frameIndex: 0, storageKey: 'f0' });
    await leases.recordFrame(claimed.lease, { frameIndex: 1, storageKey: 'f1' });
    const failed = await leases.fail(
      claimed.lease,
      { code: 'settings_invalid', message: 'strength_schedule: bad' },
      { retryable: false },
    );
    expect(failed.state).toMatchObject({ status: 'failed', attempts: 1, lastFrame: 2 });
    const resumed = await jobs.resume(job.id, { userId: 'u' });
    expect(resumed.state).toMatchObject({ status: 'queued', failedAttempts: 0, lastFrame: 2 });
    const again = defined(await leases.claim({ workerId: 'B', models: ['m'] }), 'a claimed job');
    expect(again.lease.attempt).toBe(2);
    expect(again.job.framesDone).toBe(2);
    expect((await jobs.listFrames(job.id)).map((f) => f.storageKey)).toEqual(['f0', 'f1']);
  });

  test('a clean stop gives the job back at once without counting a failure', async () => {
    await clear();
    const { jobs, leases } = stores(db().prisma);
    await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
    const claimed = defined(await leases.claim({ workerId: 'A', models: ['m'] }), 'a claimed job');
    const released = await leases.release(claimed.lease);
    expect(released.state).toMatchObject({ status: 'queued', failedAttempts: 0 });
    expect((await leases.claim({ workerId: 'B', models: ['m'] }))?.lease.attempt).toBe(2);
  });
});

describe('wake-ups', () => {
  test('an idle worker wakes on NOTIFY when a job is queued, and times out or aborts otherwise', async () => {
    await clear();
    const { jobs } = stores(db().prisma);
    const wakeups = await JobWakeups.listen(db().url);
    try {
      expect(await wakeups.waitForJob({ timeoutMs: 50 })).toBe('timeout');
      const controller = new AbortController();
      const aborted = wakeups.waitForJob({ timeoutMs: 10_000, signal: controller.signal });
      controller.abort();
      expect(await aborted).toBe('aborted');
      const started = Date.now();
      const waiting = wakeups.waitForJob({ timeoutMs: 10_000 });
      await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
      expect(await waiting).toBe('notified');
      expect(Date.now() - started).toBeLessThan(5_000);
      // A notification while nobody waits is not lost.
      await jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
      await sleep(100);
      expect(await wakeups.waitForJob({ timeoutMs: 10 })).toBe('notified');
    } finally {
      await wakeups.close();
    }
  });
});

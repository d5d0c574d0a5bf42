/** The job cards' queries on the real Postgres: open cards, queue position, speed, delivery once, NOTIFY. */
import { describe, expect, test } from 'vitest';
import { JobCards } from '../../src/jobs/job-cards.js';
import type { Lease } from '../../src/jobs/job-leases.js';
import { ProgressListener } from '../../src/jobs/progress-listener.js';
import { frameKey } from '../../src/storage/storage.js';
import { useTestDatabase } from '../support/database.js';
import { defined, smallSettings, stores } from './fixtures.js';

const db = useTestDatabase('job_cards');

async function clear(): Promise<void> {
  await db().query('TRUNCATE jobs, quota_usage, users, job_user_queue CASCADE');
}

function setup() {
  return { ...stores(db().prisma), cards: new JobCards(db().prisma) };
}

const CARD = { channelId: '100', messageId: '200' };

async function runningJob(frames = 4): Promise<{ lease: Lease; jobId: string }> {
  const { jobs, leases } = setup();
  const job = await jobs.enqueue({ userId: 'u', settings: smallSettings({ max_frames: frames }), model: 'm' });
  await jobs.setProgressMessage(job.id, CARD);
  const claimed = defined(await leases.claim({ workerId: 'w', models: ['m'] }), 'a claim');
  return { lease: claimed.lease, jobId: job.id };
}

describe('openCards', () => {
  test('lists live cards: queued, running and undelivered results; not delivered, card-less or long-ended jobs', async () => {
    await clear();
    const { jobs, leases, cards } = setup();
    const enqueue = () => jobs.enqueue({ userId: 'u', settings: smallSettings(), model: 'm' });
    const noCard = await enqueue();
    const queued = await enqueue();
    const done = await enqueue();
    const delivered = await enqueue();
    const failedNow = await enqueue();
    const failedLongAgo = await enqueue();
    for (const job of [queued, done, delivered, failedNow, failedLongAgo]) await jobs.setProgressMessage(job.id, CARD);
    await db().query(`UPDATE jobs SET state = 'cancelled' WHERE id = ANY($1::uuid[])`, [
      [failedNow.id, failedLongAgo.id],
    ]);
    await db().query(`ALTER TABLE jobs DISABLE TRIGGER USER`);
    await db().query(`UPDATE jobs SET updated_at = now() - interval '2 hours' WHERE id = $1`, [failedLongAgo.id]);
    await db().query(`ALTER TABLE jobs ENABLE TRIGGER USER`);
    for (const job of [done, delivered]) {
      await db().query(`UPDATE jobs SET priority = 9 WHERE id = $1`, [job.id]);
      const claimed = defined(await leases.claim({ workerId: 'w', models: ['m'] }), 'a claim');
      await leases.complete(claimed.lease, { resultKey: `jobs/${claimed.job.id}/result.mp4` });
    }
    expect(await cards.claimDelivery(delivered.id)).toBe(true);
    expect(await cards.markDelivered(delivered.id, { channelId: '100', messageId: '300' })).toBe(true);

    const open = (await cards.openCards()).map((job) => job.id);
    expect(new Set(open)).toEqual(new Set([queued.id, done.id, failedNow.id]));
    expect(open).not.toContain(noCard.id);
  });
});

describe('queuePosition', () => {
  test('counts own earlier jobs plus, round-robin, up to as many of every other user', async () => {
    await clear();
    const { jobs, cards } = setup();
    const submit = (userId: string) => jobs.enqueue({ userId, settings: smallSettings(), model: 'm' });
    const a1 = await submit('a');
    const a2 = await submit('a');
    await submit('b');
    await submit('b');
    await submit('b');
    const c1 = await submit('c');
    expect(await cards.queuePosition(a1.id)).toBe(2); // b's first and c's first may go before it
    expect(await cards.queuePosition(a2.id)).toBe(1 + 2 + 1); // a1, two of b, c1
    expect(await cards.queuePosition(c1.id)).toBe(2); // a1 and b's first
  });

  test('is null once the job is no longer queued', async () => {
    await clear();
    const { jobId } = await runningJob();
    expect(await setup().cards.queuePosition(jobId)).toBeNull();
  });
});

describe('frames', () => {
  test('speed: null before two frames, then the mean gap of the current attempt', async () => {
    await clear();
    const { leases, cards } = setup();
    const { lease, jobId } = await runningJob(20);
    expect(await cards.frameTiming(jobId)).toBeNull();
    expect(await cards.latestFrame(jobId)).toBeNull();
    for (let frame = 0; frame < 13; frame++) {
      await leases.recordFrame(lease, { frameIndex: frame, storageKey: frameKey(jobId, frame, lease.attempt) });
      // Frame n recorded at n × 2 s, except the first two, much slower (a cold start outside the window).
      const seconds = frame < 2 ? frame * 60 : 120 + frame * 2;
      await db().query(
        `UPDATE job_frames SET created_at = timestamp '2026-01-01' + make_interval(secs => $2)
                         WHERE job_id = $1 AND frame_index = $3`,
        [jobId, seconds, frame],
      );
      if (frame === 0) expect(await cards.frameTiming(jobId)).toBeNull();
    }
    expect(await cards.frameTiming(jobId)).toBeCloseTo(2, 6);
    expect(await cards.latestFrame(jobId)).toBe(frameKey(jobId, 12, lease.attempt));
  });
});

describe('delivery', () => {
  test('exactly one of many racing claimers delivers, and the result message is recorded once', async () => {
    await clear();
    const { leases, cards } = setup();
    const { lease, jobId } = await runningJob();
    expect(await cards.claimDelivery(jobId)).toBe(false); // not finished yet
    await leases.complete(lease, { resultKey: `jobs/${jobId}/result.mp4` });
    const claims = await Promise.all(Array.from({ length: 8 }, () => setup().cards.claimDelivery(jobId)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await cards.markDelivered(jobId, { channelId: '100', messageId: '300' })).toBe(true);
    expect(await cards.markDelivered(jobId, { channelId: '100', messageId: '301' })).toBe(false);
    expect((await cards.findByResultMessage('100', '300'))?.id).toBe(jobId);
    expect(await cards.findByResultMessage('100', '301')).toBeNull();
    expect(await cards.findByResultMessage('999', '300')).toBeNull();
  });

  test('a claim that never got its message (the process died) can be taken again later', async () => {
    await clear();
    const { leases, cards } = setup();
    const { lease, jobId } = await runningJob();
    await leases.complete(lease, { resultKey: `jobs/${jobId}/result.mp4` });
    expect(await cards.claimDelivery(jobId)).toBe(true);
    expect(await cards.claimDelivery(jobId)).toBe(false);
    expect((await cards.openCards()).map((job) => job.id)).not.toContain(jobId);
    await cards.releaseDelivery(jobId); // the post failed: the claim is free at once
    expect(await cards.claimDelivery(jobId)).toBe(true);
    await db().query(`UPDATE jobs SET delivered_at = now() - interval '1 hour' WHERE id = $1`, [jobId]);
    expect((await cards.openCards()).map((job) => job.id)).toContain(jobId);
    expect(await cards.claimDelivery(jobId)).toBe(true);
  });
});

describe('ProgressListener', () => {
  test('hears the job id of every recorded frame and state change', async () => {
    await clear();
    const heard: string[] = [];
    const listener = await ProgressListener.listen({ databaseUrl: db().url, onJob: (id) => heard.push(id) });
    try {
      const { leases } = setup();
      const { lease, jobId } = await runningJob();
      await leases.recordFrame(lease, { frameIndex: 0, storageKey: frameKey(jobId, 0, lease.attempt) });
      await expect.poll(() => heard.filter((id) => id === jobId).length).toBeGreaterThanOrEqual(2);
    } finally {
      await listener.close();
    }
  });

  test('hears nothing of a job without a card (a CLI submit)', async () => {
    await clear();
    const heard: string[] = [];
    const listener = await ProgressListener.listen({ databaseUrl: db().url, onJob: (id) => heard.push(id) });
    try {
      const { jobs, leases } = setup();
      const silent = await jobs.enqueue({ userId: 'cli', settings: smallSettings({ max_frames: 2 }), model: 'm' });
      const claimed = defined(await leases.claim({ workerId: 'w', models: ['m'] }), 'a claim');
      await leases.recordFrame(claimed.lease, { frameIndex: 0, storageKey: frameKey(silent.id, 0, 1) });
      const { lease, jobId } = await runningJob();
      await leases.recordFrame(lease, { frameIndex: 0, storageKey: frameKey(jobId, 0, lease.attempt) });
      await expect.poll(() => heard.includes(jobId)).toBe(true);
      expect(heard).not.toContain(silent.id);
    } finally {
      await listener.close();
    }
  });

  test('listens again after its connection is killed, and says so', async () => {
    await clear();
    const heard: string[] = [];
    let reconnects = 0;
    const listener = await ProgressListener.listen({
      databaseUrl: db().url,
      onJob: (id) => heard.push(id),
      onReconnect: () => (reconnects += 1),
    });
    try {
      await db().query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                         WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
      await expect.poll(() => reconnects, { timeout: 10_000 }).toBe(1);
      const { jobId } = await runningJob();
      await expect.poll(() => heard).toContain(jobId);
    } finally {
      await listener.close();
    }
  });
});

/** The queue depth the workers' /metrics report on every scrape (JobStore.queueDepth), against the real Postgres. */
import { describe, expect, test } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { defined, smallSettings, stores } from './fixtures.js';

const db = useTestDatabase('queue_depth');

describe('queue depth', () => {
  test('counts queued jobs of every user; claims, cancels and give-backs move it', async () => {
    const { jobs, leases } = stores(db().prisma);
    expect(await jobs.queueDepth()).toBe(0);
    const first = await jobs.enqueue({ userId: 'ann', settings: smallSettings(), model: 'm' });
    const second = await jobs.enqueue({ userId: 'ann', settings: smallSettings(), model: 'm' });
    await jobs.enqueue({ userId: 'bob', settings: smallSettings(), model: 'm' });
    expect(await jobs.queueDepth()).toBe(3);

    const claimed = defined(await leases.claim({ workerId: 'w', models: ['m'] }), 'a claimed job');
    expect(claimed.job.id).toBe(first.id);
    expect(await jobs.queueDepth()).toBe(2);
    await jobs.cancel(second.id, { userId: 'ann' });
    expect(await jobs.queueDepth()).toBe(1);
    await leases.release(claimed.lease);
    expect(await jobs.queueDepth()).toBe(2);
  });
});

/** Submit with quotas and caps, cancel and resume, presets: the store calls the bot makes (issue 8). */
import { describe, expect, test } from 'vitest';
import { isDeforumError, type ErrorCode } from '../../src/core/errors.js';
import { PresetStore } from '../../src/jobs/preset-store.js';
import { QuotaStore } from '../../src/jobs/quota-store.js';
import { ServerStore } from '../../src/jobs/server-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../../src/jobs/store-config.js';
import { useTestDatabase } from '../support/database.js';
import { defined, smallSettings, stores, testConfig } from './fixtures.js';

const db = useTestDatabase('job_store', { poolSize: 24 });

function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  return expect(promise).rejects.toSatisfy((error: unknown) => isDeforumError(error) && error.details.code === code);
}

async function usage(userId: string): Promise<{ reserved: number; used: number }> {
  const rows = await db().query<{ reserved: number; used: number }>(
    'SELECT coalesce(sum(reserved), 0)::int AS reserved, coalesce(sum(used), 0)::int AS used FROM quota_usage WHERE user_id = $1',
    [userId],
  );
  return defined(rows[0], 'a usage row');
}

describe('quotas', () => {
  test('200 concurrent submits racing on one quota never overspend it', async () => {
    // 25 units per job (smallSettings), 1,000 units per day: exactly 40 fit.
    const limits = { ...DEFAULT_JOB_STORE_CONFIG.serverDefaults, unitsPerPeriod: 1_000, maxActiveJobs: 1_000 };
    const { jobs } = stores(db().prisma, testConfig({ serverDefaults: limits }));
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        jobs.enqueue({ userId: 'racer', serverId: 'guild1', settings: smallSettings(), model: 'm' }),
      ),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(accepted).toHaveLength(40);
    expect(refused.every((r) => isDeforumError(r.reason) && r.reason.details.code === 'quota_exceeded')).toBe(true);
    expect(await usage('racer')).toEqual({ reserved: 1_000, used: 0 });
    const count = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE user_id = 'racer'`);
    expect(count[0]?.n).toBe(40);
    const quota = await new QuotaStore(db().prisma, testConfig({ serverDefaults: limits })).getQuota('racer', 'guild1');
    expect(quota).toMatchObject({ limit: 1_000, reserved: 1_000, remaining: 0 });
    expect(quota.resetsAt.getTime()).toBeGreaterThan(Date.now());
  });

  test('the quota error says what is left and when it resets', async () => {
    const limits = { ...DEFAULT_JOB_STORE_CONFIG.serverDefaults, unitsPerPeriod: 30 };
    const { jobs } = stores(db().prisma, testConfig({ serverDefaults: limits }));
    await jobs.enqueue({ userId: 'small', serverId: 'guild2', settings: smallSettings(), model: 'm' });
    const attempt = jobs.enqueue({ userId: 'small', serverId: 'guild2', settings: smallSettings(), model: 'm' });
    await expect(attempt).rejects.toThrow(/costs 25 render units but only 5 of your 30 are left until/);
  });

  test('caps: a value over the server limit is refused with the setting and the limit', async () => {
    const { jobs } = stores(db().prisma);
    await new ServerStore(db().prisma, DEFAULT_JOB_STORE_CONFIG.serverDefaults).setLimits('guild3', { maxSteps: 20 });
    const attempt = jobs.enqueue({
      userId: 'u',
      serverId: 'guild3',
      settings: smallSettings({ steps: 30 }),
      model: 'm',
    });
    await rejectsWith(attempt, 'cap_exceeded');
    await expect(attempt).rejects.toThrow("steps is 30, over this server's limit of 20");
  });

  test('jobs at once are limited per user', async () => {
    const limits = { ...DEFAULT_JOB_STORE_CONFIG.serverDefaults, maxActiveJobs: 2 };
    const { jobs } = stores(db().prisma, testConfig({ serverDefaults: limits }));
    for (let i = 0; i < 2; i++)
      await jobs.enqueue({ userId: 'busy', serverId: 'guild4', settings: smallSettings(), model: 'm' });
    await rejectsWith(
      jobs.enqueue({ userId: 'busy', serverId: 'guild4', settings: smallSettings(), model: 'm' }),
      'too_many_jobs',
    );
  });

  test('cancel returns the units of frames not done; resume reserves them again', async () => {
    const { jobs, leases } = stores(db().prisma);
    const job = await jobs.enqueue({ userId: 'canceller', settings: smallSettings(), model: 'only-this' });
    expect(await usage('canceller')).toEqual({ reserved: 25, used: 0 });
    const claimed = defined(await leases.claim({ workerId: 'w', models: ['only-this'] }), 'a claimed job');
    expect(claimed.job.id).toBe(job.id);
    await leases.recordFrame(claimed.lease, { frameIndex: 0, storageKey: 'f0' });
    const cancelled = await jobs.cancel(job.id, { userId: 'canceller' });
    // 1 of 4 frames done: ceil(25 / 4) = 7 units charged, 18 returned.
    expect(cancelled).toMatchObject({ unitsReserved: 0, unitsUsed: 7, state: { status: 'cancelled', lastFrame: 1 } });
    expect(await usage('canceller')).toEqual({ reserved: 0, used: 7 });

    const resumed = await jobs.resume(job.id, { userId: 'canceller' });
    expect(resumed).toMatchObject({ unitsReserved: 18, unitsUsed: 7, state: { status: 'queued', lastFrame: 1 } });
    expect(await usage('canceller')).toEqual({ reserved: 18, used: 7 });
  });

  test('only the owner (or an admin) cancels; finished jobs cannot be cancelled', async () => {
    const { jobs } = stores(db().prisma);
    const job = await jobs.enqueue({ userId: 'owner', settings: smallSettings(), model: 'm' });
    await rejectsWith(jobs.cancel(job.id, { userId: 'stranger' }), 'job_not_owner');
    await jobs.cancel(job.id, null);
    await rejectsWith(jobs.cancel(job.id, null), 'job_state_conflict');
    await rejectsWith(jobs.resume('not-a-job', null), 'job_not_found');
  });

  test("listing a user's jobs for autocomplete", async () => {
    const { jobs } = stores(db().prisma);
    const first = await jobs.enqueue({ userId: 'lister', settings: smallSettings(), model: 'm' });
    const second = await jobs.enqueue({ userId: 'lister', settings: smallSettings(), model: 'm' });
    await jobs.cancel(first.id, null);
    expect((await jobs.listJobs({ userId: 'lister' })).map((j) => j.id)).toEqual([second.id, first.id]);
    expect((await jobs.listJobs({ userId: 'lister', states: ['cancelled', 'failed'] })).map((j) => j.id)).toEqual([
      first.id,
    ]);
    expect((await jobs.listJobs({ userId: 'lister', idPrefix: second.id.slice(0, 8) })).map((j) => j.id)).toEqual([
      second.id,
    ]);
  });
});

describe('presets', () => {
  test('names are unique per user; replacing bumps the version', async () => {
    const presets = new PresetStore(db().prisma);
    await presets.save('p1', { name: 'zoom', description: 'slow zoom', settings: { zoom: '0:(1.02)' } });
    await rejectsWith(presets.save('p1', { name: 'zoom', settings: {} }), 'preset_name_taken');
    await presets.save('p2', { name: 'zoom', settings: {} });
    const replaced = await presets.save('p1', { name: 'zoom', settings: { zoom: '0:(1.04)' } }, { replace: true });
    expect(replaced).toMatchObject({ version: 2, settings: { zoom: '0:(1.04)' } });
    expect((await presets.list('p1')).map((p) => p.name)).toEqual(['zoom']);
    await rejectsWith(presets.save('p1', { name: 'Bad Name!', settings: {} }), 'preset_name_invalid');
    await rejectsWith(presets.save('p1', { name: 'broken', settings: { steps: -3 } }), 'settings_invalid');
    await presets.delete('p1', 'zoom');
    await rejectsWith(presets.get('p1', 'zoom'), 'preset_not_found');
  });
});

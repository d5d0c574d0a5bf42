/** ModerationStore on a real database: bans, the blocklist's normalisation and caps, and deleting a user's data. */
import { describe, expect, it } from 'vitest';
import { MAX_BLOCKED_TERMS, ModerationStore } from '../../src/jobs/moderation-store.js';
import { DraftStore } from '../../src/jobs/draft-store.js';
import { PresetStore } from '../../src/jobs/preset-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../../src/jobs/store-config.js';
import { useTestDatabase } from '../support/database.js';
import { defined, smallSettings, stores } from './fixtures.js';

const getDb = useTestDatabase('moderation_store');
const moderation = () => new ModerationStore(getDb().prisma, DEFAULT_JOB_STORE_CONFIG.serverDefaults);

describe('bans', () => {
  it('bans per server, keeps the first ban, and unbans', async () => {
    const store = moderation();
    const first = await store.ban('s1', 'u1', 'admin-a', 'spam');
    await store.ban('s1', 'u1', 'admin-b', 'again');
    const [row] = await getDb().query<{ banned_by: string; reason: string }>(
      "SELECT banned_by, reason FROM server_bans WHERE server_id = 's1' AND user_id = 'u1'",
    );
    expect(row).toEqual({ banned_by: 'admin-a', reason: 'spam' });
    expect(first.bannedBy).toBe('admin-a');
    expect(await store.isBanned('s1', 'u1')).toBe(true);
    expect(await store.isBanned('s2', 'u1')).toBe(false);
    expect(await store.isBanned(null, 'u1')).toBe(false);
    expect(await store.unban('s1', 'u1')).toBe(true);
    expect(await store.unban('s1', 'u1')).toBe(false);
    expect(await store.isBanned('s1', 'u1')).toBe(false);
  });
});

describe('blocklist', () => {
  it('stores terms trimmed and lower-case, once each, and removes them in any case', async () => {
    const store = moderation();
    expect(await store.addBlockedTerm('b1', '  Red   Fox ')).toBe('red fox');
    expect(await store.addBlockedTerm('b1', 'RED FOX')).toBe('red fox');
    await store.addBlockedTerm('b1', 'gore');
    expect(await store.listBlockedTerms('b1')).toEqual(['red fox', 'gore']);
    expect(await store.removeBlockedTerm('b1', 'Red Fox')).toBe(true);
    expect(await store.removeBlockedTerm('b1', 'red fox')).toBe(false);
    expect(await store.listBlockedTerms('b1')).toEqual(['gore']);
    expect(await store.listBlockedTerms('never-seen')).toEqual([]);
  });

  it('refuses empty and over-long terms with the limit in the message', async () => {
    const store = moderation();
    await expect(store.addBlockedTerm('b2', '   ')).rejects.toThrow(/1 to 60 characters/);
    await expect(store.addBlockedTerm('b2', 'x'.repeat(61))).rejects.toThrow(/61 characters/);
    expect(await store.listBlockedTerms('b2')).toEqual([]);
  });

  it('holds at most 100 terms even when admins add at once', async () => {
    const store = moderation();
    const results = await Promise.allSettled(
      Array.from({ length: MAX_BLOCKED_TERMS + 10 }, (_, i) => store.addBlockedTerm('b3', `term ${i}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_BLOCKED_TERMS);
    const refused = results.find((r) => r.status === 'rejected');
    expect(String(refused?.status === 'rejected' ? refused.reason : '')).toContain('Remove one first');
    expect(await store.listBlockedTerms('b3')).toHaveLength(MAX_BLOCKED_TERMS);
  });
});

describe('deleteUserData', () => {
  it('cancels running and queued jobs, then deletes jobs, presets, quota rows and drafts; bans stay', async () => {
    const db = getDb();
    const { jobs, leases } = stores(db.prisma);
    const running = await jobs.enqueue({ userId: 'gone', settings: smallSettings(), model: 'm' });
    const claimed = defined(await leases.claim({ workerId: 'w', models: ['m'] }), 'a claim');
    expect(claimed.job.id).toBe(running.id);
    const queued = await jobs.enqueue({ userId: 'gone', settings: smallSettings(), model: 'm' });
    const kept = await jobs.enqueue({ userId: 'stays', settings: smallSettings(), model: 'm' });
    await new PresetStore(db.prisma).save('gone', { name: 'p', settings: { W: 512 } });
    await new DraftStore(db.prisma).create('gone', { serverId: null, channelId: 'c', attachments: [] });
    await moderation().ban('s9', 'gone', 'admin');

    const deleted = await moderation().deleteUserData('gone');

    expect(deleted.sort()).toEqual([running.id, queued.id].sort());
    for (const table of ['jobs', 'presets', 'quota_usage', 'bot_drafts', 'users']) {
      const column = table === 'users' ? 'id' : 'user_id';
      expect(await db.query(`SELECT 1 FROM ${table} WHERE ${column} = 'gone'`), table).toEqual([]);
    }
    expect(await moderation().isBanned('s9', 'gone')).toBe(true);
    expect((await jobs.getJob(kept.id)).state.status).toBe('queued');
    expect(await moderation().deleteUserData('nobody')).toEqual([]);
  });
});

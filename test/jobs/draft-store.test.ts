import { describe, expect, it } from 'vitest';
import { DraftStore, type DraftData } from '../../src/jobs/draft-store.js';
import { useTestDatabase } from '../support/database.js';

const database = useTestDatabase('draft_store');

const DATA: DraftData = {
  serverId: 'guild-1',
  channelId: 'channel-1',
  preset: 'fast-preview',
  attachments: [{ kind: 'init', url: 'http://cdn/init.png', name: 'init.png', size: 1234, contentType: 'image/png' }],
};

describe('DraftStore', () => {
  it('returns what was stored to its owner, with the typed fields after an update', async () => {
    const drafts = new DraftStore(database().prisma);
    const id = await drafts.create('alice', DATA);
    expect(await drafts.get(id, 'alice')).toEqual(DATA);
    const fields = { prompts: '0: a fox', negative: '', overrides: 'zoom = 0:(1.1)', max_frames: '12', seed: '' };
    await drafts.update(id, 'alice', { ...DATA, fields });
    expect((await drafts.get(id, 'alice')).fields).toEqual(fields);
  });

  it("answers another user's draft, an unknown id and a malformed id as not found", async () => {
    const drafts = new DraftStore(database().prisma);
    const id = await drafts.create('alice', DATA);
    await expect(drafts.get(id, 'mallory')).rejects.toThrow(/expired/);
    await expect(drafts.update(id, 'mallory', DATA)).rejects.toThrow(/expired/);
    await expect(drafts.get('00000000-0000-4000-8000-000000000000', 'alice')).rejects.toThrow(/expired/);
    await expect(drafts.get('not-a-uuid', 'alice')).rejects.toThrow(/expired/);
    expect((await drafts.get(id, 'alice')).preset).toBe('fast-preview');
  });

  it('sweeps only drafts older than the cutoff', async () => {
    const db = database();
    const drafts = new DraftStore(db.prisma);
    const old = await drafts.create('bob', DATA);
    const fresh = await drafts.create('bob', DATA);
    await db.query(`UPDATE bot_drafts SET created_at = now() - interval '2 days' WHERE id = $1`, [old]);
    expect(await drafts.sweep(new Date(Date.now() - 86_400_000))).toBe(1);
    await expect(drafts.get(old, 'bob')).rejects.toThrow(/expired/);
    expect(await drafts.get(fresh, 'bob')).toEqual(DATA);
  });
});

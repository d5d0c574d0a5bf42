/**
 * /deforum admin … end to end: refused without Manage Server, working with it; a ban stops the banned user's
 * renders (the animate command) and nobody else's.
 */
import { describe, expect, it } from 'vitest';
import type { OptionValue } from '../../../discord-emulator/index.js';
import { smallSettings } from '../../../jobs/fixtures.js';
import { answerOf, autocomplete, MANAGE_GUILD, slash, useTestBot } from '../../bot-harness.js';

const t = useTestBot({ label: 'admin_commands' });

async function admin(
  subcommand: string,
  options: Record<string, OptionValue> = {},
  as: { user: { id: string }; permissions?: bigint } = { user: t.users.admin, permissions: MANAGE_GUILD },
) {
  const handle = await slash(t, {
    ...as,
    group: 'admin',
    subcommand,
    options,
  });
  const answer = await answerOf(t.emulator, handle);
  expect(handle.ephemeral()).toBe(true);
  return answer.content;
}

const asMember = () => ({ user: t.users.alice });

describe('without Manage Server', () => {
  it.each([
    ['quota', { units_per_day: 5 }],
    ['ban', { user: 'alice' }],
    ['unban', { user: 'alice' }],
    ['blocklist', { action: 'add', term: 'forbidden' }],
    ['cancel', { job: 'any' }],
  ] as const)('admin %s is refused and changes nothing', async (subcommand, raw) => {
    const options = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, v === 'alice' ? t.users.bob.id : v]),
    ) as Record<string, OptionValue>;
    const text = await admin(subcommand, options, asMember());
    expect(text).toContain('Only members with the Manage Server permission');
    expect(await t.deps.moderation.isBanned(t.guild.id, t.users.bob.id)).toBe(false);
    expect(await t.deps.moderation.listBlockedTerms(t.guild.id)).toEqual([]);
    expect((await t.deps.servers.getLimits(t.guild.id)).unitsPerPeriod).not.toBe(5);
  });
});

describe('with Manage Server', () => {
  it('admin quota shows and sets this server’s limits', async () => {
    const shown = await admin('quota');
    expect(shown).toContain('Jobs per user at once (`jobs_at_once`): **3**');
    const set = await admin('quota', { width: 768, units_per_day: 1234, jobs_at_once: 1 });
    expect(set).toContain('Updated');
    expect(set).toContain('Largest W (pixels) (`width`): **768**');
    const limits = await t.deps.servers.getLimits(t.guild.id);
    expect(limits).toMatchObject({ maxWidth: 768, unitsPerPeriod: 1234, maxActiveJobs: 1, periodSeconds: 86_400 });
    const over = await t.deps.jobs
      .enqueue({ userId: t.users.alice.id, serverId: t.guild.id, settings: smallSettings({ W: 832 }), model: 'm' })
      .catch((error: unknown) => error);
    expect(String(over)).toContain("over this server's limit of 768");
    await admin('quota', { width: 1024, units_per_day: 20_000, jobs_at_once: 3 });
  });

  it('admin blocklist adds lower-cased terms, lists and removes them', async () => {
    expect(await admin('blocklist', { action: 'add', term: '  Gore  ' })).toContain('`gore`');
    expect(await admin('blocklist', { action: 'add', term: 'spiders' })).toContain('`spiders`');
    expect(await admin('blocklist', { action: 'list' })).toContain('Blocked terms (2): `gore`, `spiders`');
    expect(await admin('blocklist', { action: 'remove', term: 'GORE' })).toContain('Removed `gore`');
    expect(await admin('blocklist', { action: 'remove', term: 'gore' })).toContain('was not on the blocklist');
    expect(await admin('blocklist', { action: 'add' })).toContain('Give the term to add');
    expect(await t.deps.moderation.listBlockedTerms(t.guild.id)).toEqual(['spiders']);
  });

  it('admin cancel stops any member’s job of this server only', async () => {
    const here = await t.deps.jobs.enqueue({
      userId: t.users.alice.id,
      serverId: t.guild.id,
      settings: smallSettings(),
      model: 'm',
    });
    const elsewhere = await t.deps.jobs.enqueue({
      userId: t.users.alice.id,
      serverId: 'another-server',
      settings: smallSettings(),
      model: 'm',
    });
    const choices = await autocomplete(t, {
      user: t.users.admin,
      permissions: MANAGE_GUILD,
      group: 'admin',
      subcommand: 'cancel',
      focused: 'job',
      options: { job: '' },
    });
    expect(choices.map((c) => c.value)).toEqual([here.id]);
    const asMemberChoices = await autocomplete(t, {
      user: t.users.bob,
      group: 'admin',
      subcommand: 'cancel',
      focused: 'job',
      options: { job: '' },
    });
    expect(asMemberChoices).toEqual([]);
    expect(await admin('cancel', { job: elsewhere.id })).toContain('was not started in this server');
    expect(await admin('cancel', { job: here.id })).toContain(`Cancelled job \`${here.id}\` of <@${t.users.alice.id}>`);
    expect((await t.deps.jobs.getJob(here.id)).state.status).toBe('cancelled');
    expect((await t.deps.jobs.getJob(elsewhere.id)).state.status).toBe('queued');
    await t.deps.jobs.cancel(elsewhere.id, null);
  });

  it('a banned member’s animate is refused privately; unban lets them render again', async () => {
    const banned = await admin('ban', { user: t.users.bob.id, reason: 'spam' });
    expect(banned).toContain(`<@${t.users.bob.id}> can no longer`);
    const refused = await slash(t, { user: t.users.bob, subcommand: 'animate' });
    const callback = await refused.callback();
    expect(callback.type).toBe(4);
    expect(refused.ephemeral()).toBe(true);
    expect((await answerOf(t.emulator, refused)).content).toContain('You are banned from rendering in this server');

    const allowed = await slash(t, { user: t.users.alice, subcommand: 'animate' });
    expect((await allowed.callback()).type).toBe(9);

    expect(await admin('unban', { user: t.users.bob.id })).toContain('can render in this server again');
    expect(await admin('unban', { user: t.users.bob.id })).toContain('was not banned');
    const again = await slash(t, { user: t.users.bob, subcommand: 'animate' });
    expect((await again.callback()).type).toBe(9);
  });
});

/**
 * /deforum queue, cancel, quota and delete end to end: the real client against the emulator and real Postgres,
 * asserting what the user reads and the rows left behind.
 */
import { describe, expect, it } from 'vitest';
import { jobFileKey } from '../../../../src/storage/storage.js';
import { smallSettings } from '../../../jobs/fixtures.js';
import { answerOf, useTestBot } from '../../bot-harness.js';

const t = useTestBot({ label: 'personal_commands' });

async function run(user: { id: string }, subcommand: string, options: Record<string, string | boolean> = {}) {
  const handle = await t.emulator.slashCommand({
    user,
    guildId: t.guild.id,
    channelId: t.channel.id,
    subcommand,
    options,
  });
  const answer = await answerOf(t.emulator, handle);
  return { handle, text: answer.content, ephemeral: handle.ephemeral() };
}

function enqueue(userId: string, prompt = 'a red fox', frames = 4) {
  return t.deps.jobs.enqueue({
    userId,
    serverId: t.guild.id,
    settings: smallSettings({ max_frames: frames, prompts: { '0': prompt } }),
    model: 'sd-1.5-onnx',
  });
}

describe('/deforum queue', () => {
  it('lists the user’s own jobs with state, frames and place in line, privately', async () => {
    const first = await enqueue(t.users.alice.id, 'a lighthouse at dusk');
    const second = await enqueue(t.users.alice.id, 'a red fox');
    await enqueue(t.users.bob.id, 'bob’s secret prompt');
    const { text, ephemeral } = await run(t.users.alice, 'queue');
    expect(ephemeral).toBe(true);
    expect(text).toContain(first.id);
    expect(text).toContain(second.id);
    expect(text).toContain('a lighthouse at dusk');
    expect(text).not.toContain('bob’s secret prompt');
    // Fair share: Bob's one job goes before Alice's first, and before her second too.
    const lineOf = (id: string) => text.split('\n').find((line) => line.includes(id));
    expect(lineOf(first.id)).toContain('queued, 1 ahead');
    expect(lineOf(second.id)).toContain('queued, 2 ahead');
    await t.deps.jobs.cancel(first.id, null);
    await t.deps.jobs.cancel(second.id, null);
  });

  it('says how to start when the user has no jobs', async () => {
    const newcomer = t.emulator.createUser({ username: 'newcomer' });
    const { text } = await run(newcomer, 'queue');
    expect(text).toContain('You have no jobs yet');
  });
});

describe('/deforum cancel', () => {
  it('autocompletes only the user’s queued or running jobs', async () => {
    const mine = await enqueue(t.users.alice.id, 'autocomplete me');
    const theirs = await enqueue(t.users.bob.id);
    const choices = await t.emulator.autocomplete({
      user: t.users.alice,
      guildId: t.guild.id,
      channelId: t.channel.id,
      subcommand: 'cancel',
      focused: 'job',
      options: { job: '' },
    });
    const values = choices.map((c) => c.value);
    expect(values).toContain(mine.id);
    expect(values).not.toContain(theirs.id);
    expect(choices.find((c) => c.value === mine.id)?.name).toContain('autocomplete me');
    await t.deps.jobs.cancel(mine.id, null);
    await t.deps.jobs.cancel(theirs.id, null);
  });

  it('cancels the owner’s job and returns its units', async () => {
    const job = await enqueue(t.users.alice.id);
    const { text } = await run(t.users.alice, 'cancel', { job: job.id });
    expect(text).toContain(`Cancelled job \`${job.id}\``);
    expect((await t.deps.jobs.getJob(job.id)).state.status).toBe('cancelled');
    const [row] = await t.db.query<{ units_reserved: number }>('SELECT units_reserved FROM jobs WHERE id = $1', [
      job.id,
    ]);
    expect(row?.units_reserved).toBe(0);
  });

  it('refuses someone else’s job and leaves it queued', async () => {
    const job = await enqueue(t.users.alice.id);
    const { text, ephemeral } = await run(t.users.bob, 'cancel', { job: job.id });
    expect(ephemeral).toBe(true);
    expect(text).toContain('belongs to someone else');
    expect((await t.deps.jobs.getJob(job.id)).state.status).toBe('queued');
    await t.deps.jobs.cancel(job.id, null);
  });

  it('explains an id that names no job', async () => {
    const { text } = await run(t.users.alice, 'cancel', { job: 'not-a-job' });
    expect(text).toContain('There is no job not-a-job');
  });
});

describe('/deforum quota', () => {
  it('shows units left, used and reserved, and the reset as a relative timestamp', async () => {
    const user = t.emulator.createUser({ username: 'quota-user' });
    const job = await enqueue(user.id, 'a fox', 4);
    const { text, ephemeral } = await run(user, 'quota');
    expect(ephemeral).toBe(true);
    const limits = await t.deps.servers.getLimits(t.guild.id);
    expect(text).toContain(`**${limits.unitsPerPeriod - job.costUnits}** of ${limits.unitsPerPeriod}`);
    expect(text).toContain(`reserved by queued or running jobs: ${job.costUnits}`);
    expect(text).toMatch(/resets <t:\d+:R>/);
    await t.deps.jobs.cancel(job.id, null);
  });
});

describe('/deforum delete', () => {
  it('refuses without confirm and deletes nothing', async () => {
    const user = t.emulator.createUser({ username: 'careful' });
    const job = await enqueue(user.id);
    const { text } = await run(user, 'delete', { confirm: false });
    expect(text).toContain('Nothing was deleted');
    expect((await t.deps.jobs.getJob(job.id)).id).toBe(job.id);
    await t.deps.jobs.cancel(job.id, null);
  });

  it('with confirm removes the user’s jobs, their files and presets, and no one else’s', async () => {
    const user = t.emulator.createUser({ username: 'leaving' });
    const running = await enqueue(user.id);
    const other = await enqueue(t.users.bob.id);
    const key = jobFileKey(running.id, 'init', 'png');
    await t.deps.storage.put(key, new Uint8Array([1, 2, 3]));
    await t.deps.presets.save(user.id, { name: 'mine', settings: { W: 512 } });
    const { text } = await run(user, 'delete', { confirm: true });
    expect(text).toContain('Deleted 1 job');
    expect(await t.db.query('SELECT id FROM jobs WHERE user_id = $1', [user.id])).toEqual([]);
    expect(await t.db.query('SELECT id FROM presets WHERE user_id = $1', [user.id])).toEqual([]);
    expect(await t.db.query('SELECT user_id FROM quota_usage WHERE user_id = $1', [user.id])).toEqual([]);
    await expect(t.deps.storage.get(key)).rejects.toThrow();
    expect((await t.deps.jobs.getJob(other.id)).state.status).toBe('queued');
    await t.deps.jobs.cancel(other.id, null);
  });
});

/**
 * The animate request's refusals and the Cancel button, end to end without a worker: every answer comes from the
 * bot and the database alone, and queued jobs stay queued.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';
import { renderCost } from '../../../src/jobs/render-cost.js';
import type { EmulatedMessage } from '../../discord-emulator/index.js';
import { REPO_ROOT } from '../../support/shared-dirs.js';
import { answerOf, MANAGE_GUILD, pressButton, react, slash } from '../bot-harness.js';
import {
  buttonIds,
  directMessages,
  jobIdOfCard,
  jobRow,
  linkedMessage,
  modalOf,
  openAnimate,
  submitModal,
  TINY,
  useE2E,
  type ModalFields,
} from './e2e-support.js';

const t = useE2E('e2e_requests');

const GOOD: ModalFields = { prompts: '0: a red fox in the snow', overrides: TINY, max_frames: '3', seed: '5' };

async function jobCount(userId: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE user_id = $1', [userId]);
  return rows[0]?.n ?? 0;
}

/** A good request queued by `user`: its job card and job id. */
async function queueJob(user: { id: string }): Promise<{ card: EmulatedMessage; jobId: string }> {
  const modal = await openAnimate(t, user);
  const { answer } = await submitModal(t, user, modal.customId, GOOD);
  const card = linkedMessage(t, answer.content);
  return { card, jobId: jobIdOfCard(card) };
}

describe('bad input in the animate modal', () => {
  it.each([
    ['a prompt line without a frame number', { prompts: 'a fox without a frame' }, 'Prompts', 'has no frame number'],
    [
      'an override that is not key = value',
      { overrides: `${TINY}\nzoom 1.02` },
      'Overrides',
      'is not `setting = value`',
    ],
    [
      'a misspelled setting',
      { overrides: `${TINY}\nstrenght_schedule = 0:(0.5)` },
      'Overrides',
      'is not a Deforum setting',
    ],
    ['a server path', { overrides: `${TINY}\ninit_image = /etc/passwd` }, 'Overrides', 'attach the file instead'],
    ['a broken schedule', { overrides: `${TINY}\nzoom = 0:(1.02` }, 'Overrides', 'zoom'],
    ['max frames that are not a number', { max_frames: 'many' }, 'Max frames', 'must be a whole number'],
    ['a seed that is not a number', { seed: 'lucky' }, 'Seed', 'must be a whole number'],
  ])('answers %s with the problem and a button that reopens the modal as typed', async (_case, bad, label, text) => {
    const modal = await openAnimate(t, t.users.alice);
    const typed = { ...GOOD, ...bad };
    const { handle, answer } = await submitModal(t, t.users.alice, modal.customId, typed);
    expect(handle.ephemeral()).toBe(true);
    expect(answer.content).toContain(`**${label}**`);
    expect(answer.content).toContain(text);
    const draftId = modal.customId.split(':')[2] ?? '';
    expect(buttonIds(answer)).toEqual([`deforum:reopen:${draftId}`]);

    const reopen = await pressButton(t, t.users.alice, answer.id, `deforum:reopen:${draftId}`);
    const callback = await reopen.callback();
    expect(callback.type).toBe(9);
    const reopened = modalOf(callback.data ?? {});
    expect(reopened.customId).toBe(modal.customId);
    expect(reopened.values).toEqual({ negative: '', ...typed });
    expect(await jobCount(t.users.alice.id)).toBe(0);
  });

  it("does not reopen another user's draft", async () => {
    const modal = await openAnimate(t, t.users.alice);
    const { answer } = await submitModal(t, t.users.alice, modal.customId, { ...GOOD, seed: 'x' });
    const draftId = modal.customId.split(':')[2] ?? '';
    const press = await pressButton(t, t.users.bob, answer.id, `deforum:reopen:${draftId}`);
    expect((await press.callback()).type).toBe(4);
    expect((await answerOf(t.emulator, press)).content).toContain('expired');
  });

  it("names the value and the limit when a request is over the server's caps", async () => {
    const set = await slash(t, {
      user: t.users.admin,
      group: 'admin',
      subcommand: 'quota',
      options: { width: 128, max_frames: 50 },
      permissions: MANAGE_GUILD,
    });
    await answerOf(t.emulator, set);
    const modal = await openAnimate(t, t.users.alice);
    const { answer } = await submitModal(t, t.users.alice, modal.customId, {
      ...GOOD,
      overrides: 'W = 512\nH = 64\nsteps = 2\nsampler = euler',
      max_frames: '80',
    });
    expect(answer.content).toContain("W is 512, over this server's limit of 128");
    expect(answer.content).toContain("max_frames is 80, over this server's limit of 50");
    expect(buttonIds(answer)[0]).toMatch(/^deforum:reopen:/);
    await t.deps.servers.setLimits(t.guild.id, { maxWidth: 1024, maxFrames: 600 });
  });
});

describe('attachments', () => {
  it('refuses a file of the wrong type before the modal, saying which option and what it accepts', async () => {
    const drafts = async (): Promise<number> =>
      (await t.db.query('SELECT id FROM bot_drafts WHERE user_id = $1', [t.users.alice.id])).length;
    const draftsBefore = await drafts();
    const notes = t.emulator.hostFile({ name: 'notes.txt', contentType: 'text/plain', bytes: Buffer.from('hello') });
    const handle = await slash(t, {
      user: t.users.alice,
      subcommand: 'animate',
      options: { init_image: notes },
    });
    const callback = await handle.callback();
    expect(callback.type).toBe(4);
    const answer = await answerOf(t.emulator, handle);
    expect(handle.ephemeral()).toBe(true);
    expect(answer.content).toContain('notes.txt');
    expect(answer.content).toContain('init image');
    expect(answer.content).toContain('.png');
    expect(await drafts()).toBe(draftsBefore);
  });

  it('answers a file whose bytes are not what its name says with a problem on its field and the reopen button', async () => {
    const disguised = t.emulator.hostFile({
      name: 'start.png',
      contentType: 'image/png',
      bytes: Buffer.from('just some text, not an image'),
    });
    const modal = await openAnimate(t, t.users.alice, { init_image: disguised });
    const { answer } = await submitModal(t, t.users.alice, modal.customId, GOOD);
    expect(answer.content).toContain('**Init image**');
    expect(answer.content).toContain('start.png is not a');
    expect(buttonIds(answer)).toEqual([`deforum:reopen:${modal.customId.split(':')[2] ?? ''}`]);
    expect(await jobCount(t.users.alice.id)).toBe(0);
  });

  it('stores an attached init image with the job', async () => {
    const png = await readFile(path.join(REPO_ROOT, 'assets/demo-init.png'));
    const init = t.emulator.hostFile({ name: 'start.png', contentType: 'image/png', bytes: png });
    const modal = await openAnimate(t, t.users.bob, { init_image: init });
    const { answer } = await submitModal(t, t.users.bob, modal.customId, GOOD);
    const jobId = jobIdOfCard(linkedMessage(t, answer.content));
    const [stored] = await t.deps.jobs.listAttachments(jobId);
    expect(stored).toMatchObject({ kind: 'init', contentType: 'image/png', sizeBytes: png.byteLength });
    expect((await t.deps.storage.get(stored?.storageKey ?? '')).equals(png)).toBe(true);
    await t.deps.jobs.cancel(jobId, null);
  });
});

describe('quota', () => {
  it('queues exactly one of two simultaneous submits when only one fits in the quota', async () => {
    const user = t.emulator.createUser({ username: 'racer' });
    const settings = parseSettingsOrThrow({ W: 64, H: 64, steps: 2, sampler: 'euler', max_frames: 3 }, 'race');
    const cost = renderCost(settings, { preview: false, hasInit: false }).units;
    await t.deps.servers.setLimits(t.guild.id, { unitsPerPeriod: Math.floor(cost * 1.5) });
    try {
      const [first, second] = await Promise.all([openAnimate(t, user), openAnimate(t, user)]);
      const answers = await Promise.all(
        [first, second].map((modal) => submitModal(t, user, modal?.customId ?? '', GOOD)),
      );
      const texts = answers.map(({ answer }) => answer.content);
      expect(texts.filter((text) => text.startsWith('Queued'))).toHaveLength(1);
      const refused = texts.find((text) => !text.startsWith('Queued')) ?? '';
      expect(refused).toContain('**Your request**\n• ');
      expect(refused).toContain('render units');
      expect(await jobCount(user.id)).toBe(1);
    } finally {
      await t.deps.servers.setLimits(t.guild.id, { unitsPerPeriod: 20_000 });
    }
  });
  it('refuses a job over the active-jobs limit as a problem of the whole request, not of a field', async () => {
    const user = t.emulator.createUser({ username: 'busy' });
    await t.deps.servers.setLimits(t.guild.id, { maxActiveJobs: 1 });
    try {
      const first = await submitModal(t, user, (await openAnimate(t, user)).customId, GOOD);
      expect(first.answer.content).toMatch(/^Queued/);
      const { answer } = await submitModal(t, user, (await openAnimate(t, user)).customId, GOOD);
      expect(answer.content).toMatch(
        /^Your request has 1 problem\. Fix it and submit again\.\n\*\*Your request\*\*\n• /,
      );
      expect(buttonIds(answer)[0]).toMatch(/^deforum:reopen:/);
      expect(await jobCount(user.id)).toBe(1);
    } finally {
      await t.deps.servers.setLimits(t.guild.id, { maxActiveJobs: 3 });
    }
  });
});

describe('reactions', () => {
  it('answers 🔁 in the channel, mentioning the reactor, when their DMs are closed', async () => {
    const { card, jobId } = await queueJob(t.users.alice);
    // What delivery records for a posted video, without a worker: the card stands in for the result message.
    await t.db.query('UPDATE jobs SET result_channel_id = $1, result_message_id = $2 WHERE id = $3', [
      t.channel.id,
      card.id,
      jobId,
    ]);
    const quiet = t.emulator.createUser({ username: 'quiet', acceptsDirectMessages: false });
    await react(t, quiet, card.id, '🔁');
    const notice = await t.emulator.waitFor(
      () => t.emulator.messages(t.channel.id).find((m) => m.content.startsWith(`<@${quiet.id}>`)),
      { timeoutMs: 10_000, message: 'the reactor with closed DMs was not answered in the channel' },
    );
    expect(notice.content).toContain('Queued your re-render of job');
    expect(directMessages(t, quiet.id)).toEqual([]);
    const again = await jobRow(t, "request->>'rerenderOf' = $1", [jobId]);
    expect(again?.user_id).toBe(quiet.id);
    await t.deps.jobs.cancel(again?.id ?? '', null);
    await t.deps.jobs.cancel(jobId, null);
  });
});

describe('the Cancel button', () => {
  it('refuses anyone but the owner and leaves the job alone; the owner cancels it and the card says so', async () => {
    const { card, jobId } = await queueJob(t.users.alice);
    const press = (user: { id: string }) => pressButton(t, user, card.id, `deforum:cancel:${jobId}`);

    const byBob = await press(t.users.bob);
    expect((await answerOf(t.emulator, byBob)).content).toContain('Only its owner');
    expect(byBob.ephemeral()).toBe(true);
    expect((await t.deps.jobs.getJob(jobId)).state.status).toBe('queued');

    const byAlice = await press(t.users.alice);
    expect((await answerOf(t.emulator, byAlice)).content).toContain('Cancelled');
    expect((await t.deps.jobs.getJob(jobId)).state.status).toBe('cancelled');
    await t.emulator.waitFor(() => buttonIds(t.emulator.message(card.id) ?? card).includes(`deforum:resume:${jobId}`), {
      timeoutMs: 10_000,
      message: 'the card did not change to Cancelled with a Resume button',
    });
  });
});

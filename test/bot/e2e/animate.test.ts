/**
 * From /deforum animate to a finished video in the channel, and what people do with it afterwards (🔁 and ♻️
 * reactions, Re-render, New seed and Tweak buttons), with a real worker rendering on tiny models.
 */
import { describe, expect, it } from 'vitest';
import type { EmulatedMessage } from '../../discord-emulator/index.js';
import { answerOf, autocomplete, MANAGE_GUILD, pressButton, react, slash } from '../bot-harness.js';
import {
  buttonIds,
  cardShowing,
  directMessages,
  jobIdOfCard,
  jobRow,
  linkedMessage,
  modalOf,
  openAnimate,
  resultMessage,
  submitModal,
  TINY,
  until,
  useE2E,
} from './e2e-support.js';

const t = useE2E('e2e_animate', { workers: ['e2e-animate-worker'] });

const PROMPT = '0: a cozy village in the mountains, watercolour, soft colours | blurry, low quality, text';
/** The first test's job and its result message, which the reaction and button tests act on. */
let finished: { jobId: string; result: EmulatedMessage } | undefined;

function finishedJob(): { jobId: string; result: EmulatedMessage } {
  if (finished === undefined) throw new Error('the first test did not finish its render');
  return finished;
}

/** The re-renders are only checked queued; cancelling them keeps the worker free for the renders that matter. */
async function cancelJob(jobId: string): Promise<void> {
  await t.deps.jobs.cancel(jobId, null);
}

describe('/deforum animate end to end', () => {
  it('goes from the modal to a job card with progress edits and a posted MP4 with its settings and buttons', async () => {
    const modal = await openAnimate(t, t.users.alice, { preset: 'fast-preview' });
    expect(modal.customId).toMatch(/^deforum:animate:[0-9a-f-]{36}$/);
    expect(modal.title).toBe('Deforum: fast-preview');
    expect(modal.values['prompts']).toBe(PROMPT);

    const { handle, answer } = await submitModal(t, t.users.alice, modal.customId, {
      prompts: PROMPT,
      overrides: `${TINY}\ndiffusion_cadence = 1`,
      max_frames: '3',
      seed: '1234',
    });
    expect(handle.ephemeral()).toBe(true);
    const card = linkedMessage(t, answer.content);
    expect(card.channelId).toBe(t.channel.id);
    const jobId = jobIdOfCard(card);
    expect(buttonIds(card)).toEqual([`deforum:cancel:${jobId}`]);

    const result = await resultMessage(t, jobId);
    expect(result.attachments.map((a) => a.filename)).toContain('settings.json');
    expect(result.attachments.some((a) => a.contentType === 'video/mp4' && a.size > 0)).toBe(true);
    expect(buttonIds(result)).toEqual([
      `deforum:rerender:${jobId}`,
      `deforum:newseed:${jobId}`,
      `deforum:tweak:${jobId}`,
    ]);
    const settingsFile = result.attachments.find((a) => a.filename === 'settings.json');
    const settings = JSON.parse(settingsFile?.bytes.toString() ?? '{}') as Record<string, unknown>;
    expect(settings).toMatchObject({ seed: 1234, max_frames: 3, W: 64, H: 64 });

    const finalCard = await cardShowing(t, card.id, 'Done');
    expect(finalCard.editCount).toBeGreaterThan(0);
    expect(await jobRow(t, 'id = $1', [jobId])).toMatchObject({
      user_id: t.users.alice.id,
      request: { preset: 'fast-preview' },
    });
    finished = { jobId, result };
  }, 120_000);

  it('renders with a preset saved by /deforum preset save; ♻️ re-renders with its newest version and the same seed', async () => {
    const save = async (overrides: string, replace: boolean): Promise<string> => {
      const handle = await slash(t, {
        user: t.users.alice,
        group: 'preset',
        subcommand: 'save',
        options: { name: 'tinyfox', overrides, replace },
      });
      return (await answerOf(t.emulator, handle)).content;
    };
    const tiny = 'animation_mode = 2D; W = 64; H = 64; sampler = euler; diffusion_cadence = 1';
    expect(await save(`${tiny}; steps = 2`, false)).toContain('Saved preset **tinyfox** (version 1)');
    const choices = await autocomplete(t, {
      user: t.users.alice,
      subcommand: 'animate',
      options: { preset: 'tiny' },
      focused: 'preset',
    });
    expect(choices.map((c) => c.value)).toEqual(['tinyfox']);

    const modal = await openAnimate(t, t.users.alice, { preset: 'tinyfox' });
    const { answer } = await submitModal(t, t.users.alice, modal.customId, {
      prompts: '0: a fox in the snow',
      max_frames: '3',
    });
    const jobId = jobIdOfCard(linkedMessage(t, answer.content));
    const job = await jobRow(t, 'id = $1', [jobId]);
    expect(job?.settings).toMatchObject({ W: 64, steps: 2, prompts: { '0': 'a fox in the snow' } });
    expect(job?.request).toMatchObject({ preset: 'tinyfox', presetVersion: 1 });
    const seed = job?.settings['seed'];
    expect(seed).not.toBe(-1);
    const result = await resultMessage(t, jobId);

    expect(await save(`${tiny}; steps = 3`, true)).toContain('(version 2)');
    await react(t, t.users.alice, result.id, '♻️');
    const again = await until(() => jobRow(t, "request->>'rerenderOf' = $1", [jobId]), 'no ♻️ re-render was queued');
    await cancelJob(again.id);
    expect(again.user_id).toBe(t.users.alice.id);
    expect(again.settings).toMatchObject({ steps: 3, seed, prompts: { '0': 'a fox in the snow' } });
    expect(again.request).toMatchObject({ preset: 'tinyfox', presetVersion: 2 });
    await t.emulator.waitFor(
      () => directMessages(t, t.users.alice.id).find((m) => m.includes('Queued your re-render')),
      {
        message: 'alice got no DM about her ♻️ re-render',
      },
    );
  }, 180_000);
});

describe('after the video is posted', () => {
  it('🔁 from another user queues a new-seed render in their name and tells them by DM; reactions elsewhere do nothing', async () => {
    const { jobId, result } = finishedJob();
    const before = (await t.db.query('SELECT id FROM jobs')).length;
    const card = await t.db.query<{ progress_message_id: string }>(
      'SELECT progress_message_id FROM jobs WHERE id = $1',
      [jobId],
    );
    await react(t, t.users.bob, card[0]?.progress_message_id ?? '', '🔁');
    await react(t, t.users.bob, result.id, '👍');
    await react(t, t.users.bob, result.id, '🔁');
    const again = await until(() => jobRow(t, "request->>'rerenderOf' = $1", [jobId]), 'no 🔁 re-render was queued');
    await cancelJob(again.id);
    const original = await jobRow(t, 'id = $1', [jobId]);
    expect(again.user_id).toBe(t.users.bob.id);
    expect(again.settings['seed']).not.toBe(original?.settings['seed']);
    expect({ ...again.settings, seed: 0 }).toEqual({ ...original?.settings, seed: 0 });
    expect((await t.db.query('SELECT id FROM jobs')).length).toBe(before + 1);
    await t.emulator.waitFor(() => directMessages(t, t.users.bob.id).find((m) => m.includes('Queued your re-render')), {
      message: 'bob got no DM about his 🔁 re-render',
    });
  });

  it('refuses 🔁 from a user banned in the server, telling them by DM', async () => {
    const { result } = finishedJob();
    const carol = t.emulator.createUser({ username: 'carol' });
    const ban = await slash(t, {
      user: t.users.admin,
      group: 'admin',
      subcommand: 'ban',
      options: { user: carol.id },
      permissions: MANAGE_GUILD,
    });
    await answerOf(t.emulator, ban);
    await react(t, carol, result.id, '🔁');
    await t.emulator.waitFor(() => directMessages(t, carol.id).find((m) => m.includes('banned')), {
      message: 'carol was not told that she is banned',
    });
    expect(await jobRow(t, 'user_id = $1', [carol.id])).toBeUndefined();
  });

  it.each([
    ['rerender', 'the same seed', true],
    ['newseed', 'a new seed', false],
  ] as const)('the %s button queues a render with %s for the presser', async (action, _what, sameSeed) => {
    const { jobId, result } = finishedJob();
    const press = await pressButton(t, t.users.bob, result.id, `deforum:${action}:${jobId}`);
    const answer = await answerOf(t.emulator, press);
    expect(press.ephemeral()).toBe(true);
    const newJobId = jobIdOfCard(linkedMessage(t, answer.content));
    await cancelJob(newJobId);
    const job = await jobRow(t, 'id = $1', [newJobId]);
    expect(job?.user_id).toBe(t.users.bob.id);
    expect(job?.settings['seed'] === 1234).toBe(sameSeed);
  });

  it("Tweak opens the modal filled with the job's prompts, overrides and seed", async () => {
    const { jobId, result } = finishedJob();
    const press = await pressButton(t, t.users.bob, result.id, `deforum:tweak:${jobId}`);
    const callback = await press.callback();
    expect(callback.type).toBe(9);
    const modal = modalOf(callback.data ?? {});
    expect(modal.values).toMatchObject({
      prompts: PROMPT,
      overrides: `${TINY}\ndiffusion_cadence = 1`,
      max_frames: '3',
      seed: '1234',
    });
    const { answer } = await submitModal(t, t.users.bob, modal.customId, { ...modal.values, seed: '99' });
    const tweaked = await jobRow(t, 'id = $1', [jobIdOfCard(linkedMessage(t, answer.content))]);
    await cancelJob(tweaked?.id ?? '');
    const original = await jobRow(t, 'id = $1', [jobId]);
    expect(tweaked?.user_id).toBe(t.users.bob.id);
    expect({ ...tweaked?.settings, seed: 0 }).toEqual({ ...original?.settings, seed: 0 });
    expect(tweaked?.settings['seed']).toBe(99);
  });
});

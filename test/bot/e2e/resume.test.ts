/**
 * Renders that stop part-way: a worker killed mid-job (another worker continues from the last checkpointed frame)
 * and a job its owner cancelled and then resumed with /deforum resume. Either way the same job card follows the
 * job to the end.
 */
import { describe, expect, it } from 'vitest';
import { answerOf, autocomplete, pressButton, slash } from '../bot-harness.js';
import {
  buttonIds,
  cardShowing,
  jobIdOfCard,
  linkedMessage,
  openAnimate,
  resultMessage,
  submitModal,
  TINY,
  until,
  useE2E,
} from './e2e-support.js';

const t = useE2E('e2e_resume');

/** Long enough to stop part-way, short enough to finish in seconds on tiny models. */
const FRAMES = 16;

async function startJob(): Promise<{ jobId: string; cardId: string }> {
  const modal = await openAnimate(t, t.users.alice);
  const { answer } = await submitModal(t, t.users.alice, modal.customId, {
    prompts: '0: a lighthouse at night',
    overrides: TINY,
    max_frames: String(FRAMES),
    seed: '3',
  });
  const card = linkedMessage(t, answer.content);
  return { jobId: jobIdOfCard(card), cardId: card.id };
}

async function framesDone(jobId: string): Promise<number> {
  const rows = await t.db.query<{ frames_done: number }>('SELECT frames_done FROM jobs WHERE id = $1', [jobId]);
  return rows[0]?.frames_done ?? 0;
}

async function progressMessageId(jobId: string): Promise<string | null> {
  const rows = await t.db.query<{ id: string | null }>('SELECT progress_message_id AS id FROM jobs WHERE id = $1', [
    jobId,
  ]);
  return rows[0]?.id ?? null;
}

/** Frames kept from the first attempt: a resumed render did not start over. */
async function firstAttemptFrames(jobId: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM job_frames WHERE job_id = $1 AND attempt = 1',
    [jobId],
  );
  return rows[0]?.n ?? 0;
}

describe('a render that stops part-way', () => {
  it('continues on another worker after its worker is SIGKILLed, and the same card is edited to the end', async () => {
    const first = t.addWorker('e2e-resume-doomed');
    const { jobId, cardId } = await startJob();
    const doneAtKill = await until(async () => {
      const done = await framesDone(jobId);
      return done >= 2 ? done : undefined;
    }, 'no frames rendered');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(doneAtKill).toBeLessThan(FRAMES);
    const editsAtKill = t.emulator.message(cardId)?.editCount ?? 0;

    t.addWorker('e2e-resume-rescuer');
    const result = await resultMessage(t, jobId);
    expect(result.attachments.some((a) => a.contentType === 'video/mp4')).toBe(true);
    expect(await progressMessageId(jobId)).toBe(cardId);
    const card = await cardShowing(t, cardId, 'Done');
    expect(card.editCount).toBeGreaterThan(editsAtKill);
    const progress = t.emulator.requests
      .filter((r) => r.method === 'PATCH' && r.path === `/channels/${t.channel.id}/messages/${cardId}`)
      .map((r) => JSON.stringify(r.json));
    expect(progress.some((edit) => edit.includes('Rendering') && /Frame ([1-9]|1[0-5])\/16/.test(edit))).toBe(true);
    expect(await firstAttemptFrames(jobId)).toBeGreaterThanOrEqual(doneAtKill);
    const frames = await t.db.query('SELECT frame_index FROM job_frames WHERE job_id = $1', [jobId]);
    expect(frames).toHaveLength(FRAMES);
  }, 180_000);

  it('is resumed by its owner with /deforum resume after a Cancel, in the same card', async () => {
    const { jobId, cardId } = await startJob();
    await until(async () => (await framesDone(jobId)) >= 2, 'no frames rendered');
    const cancel = await pressButton(t, t.users.alice, cardId, `deforum:cancel:${jobId}`);
    expect((await answerOf(t.emulator, cancel)).content).toContain('Cancelled');
    const showsResume = (): boolean => {
      const card = t.emulator.message(cardId);
      return card !== undefined && buttonIds(card).includes(`deforum:resume:${jobId}`);
    };
    await t.emulator.waitFor(showsResume, {
      timeoutMs: 15_000,
      message: 'the card shows no Resume button after the cancel',
    });
    const doneAtCancel = await framesDone(jobId);

    const choices = await autocomplete(t, {
      user: t.users.alice,
      subcommand: 'resume',
      options: { job: '' },
      focused: 'job',
    });
    const choice = choices.find((c) => c.value === jobId);
    expect(choice?.name).toContain(`/${FRAMES} frames · cancelled`);
    const others = await autocomplete(t, {
      user: t.users.bob,
      subcommand: 'resume',
      options: { job: '' },
      focused: 'job',
    });
    expect(others.map((c) => c.value)).not.toContain(jobId);

    const resume = await slash(t, {
      user: t.users.alice,
      subcommand: 'resume',
      options: { job: jobId },
    });
    expect((await answerOf(t.emulator, resume)).content).toContain(`at frame ${doneAtCancel}/${FRAMES}`);
    expect(resume.ephemeral()).toBe(true);
    await resultMessage(t, jobId);
    expect(await progressMessageId(jobId)).toBe(cardId);
    await cardShowing(t, cardId, 'Done');
    expect(await firstAttemptFrames(jobId)).toBeGreaterThanOrEqual(doneAtCancel);
  }, 180_000);
});

/**
 * Live job cards against the Discord emulator and the real Postgres: edits show the progress and are spaced by
 * the edit interval, a new tracker (a restarted bot) keeps editing the same message, a 429 storm is waited out,
 * a deleted card comes back, and two trackers deliver a result once.
 */
import { describe, expect, test } from 'vitest';
import { decodeImage } from '../../../src/core/image/codec.js';
import type { RecordedRequest } from '../../discord-emulator/index.js';
import { useWorld, type World } from './progress-world.js';

const world = useWorld('progress_tracker');
const INTERVAL_MS = 1000;

function cardEdits(w: World, messageId: string): RecordedRequest[] {
  return w.emulator.requests.filter(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${messageId}`) && r.status === 200,
  );
}

function description(request: RecordedRequest | undefined): string {
  const embeds = (request?.json as { embeds?: { description?: string }[] } | undefined)?.embeds;
  return embeds?.[0]?.description ?? '';
}

/** The card as the channel shows it now. */
function cardText(w: World, messageId: string): string {
  const embed = w.emulator.message(messageId)?.embeds[0] as { description?: string } | undefined;
  return embed?.description ?? '';
}

function resultMessages(w: World, channelId: string) {
  return w.emulator.messages(channelId).filter((m) => m.attachments.some((a) => a.filename === 'deforum.mp4'));
}

function cardId(job: { progressMessage: { messageId: string } | null }): string {
  if (job.progressMessage === null) throw new Error('the job has no card');
  return job.progressMessage.messageId;
}

describe('ProgressTracker', () => {
  test('edits show frame n/N and the bar, at most once per interval, with the newest frame as a JPEG', async () => {
    const w = world();
    const tracker = await w.tracker({ editIntervalMs: INTERVAL_MS });
    const job = await w.submit({ frames: 12 });
    const card = cardId(job);
    const worker = await w.worker(job.id);
    await worker.frames(0, 12, 200);
    await w.emulator.waitFor(() => cardText(w, card).includes('Frame 12/12'), { timeoutMs: 10_000 });
    await tracker.stop();

    const edits = cardEdits(w, card);
    const middle = edits.map(description).find((text) => /Frame ([1-9]|1[01])\/12/.test(text));
    expect(middle).toMatch(/Frame \d+\/12 {2}[▰▱]{10} \d+%/);
    // Twelve frames over ~2.4 s, each one a NOTIFY: coalesced into a few edits, never two within the interval
    // (less a margin for the loopback transfer of an edit that carries a JPEG).
    expect(edits.length).toBeLessThan(12);
    const times = edits.map((edit) => edit.at);
    for (const [i, at] of times.slice(1).entries()) {
      expect(at - (times[i] ?? 0)).toBeGreaterThanOrEqual(INTERVAL_MS - 100);
    }
    const preview = w.emulator.message(card)?.attachments;
    expect(preview?.map((a) => a.filename)).toEqual(['frame.jpg']);
    const jpeg = preview?.[0]?.bytes ?? Buffer.alloc(0);
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    const image = await decodeImage(jpeg);
    expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(512);
  });

  test('a new tracker (a restarted bot) goes on editing the same message and delivers', async () => {
    const w = world();
    const first = await w.tracker();
    const job = await w.submit({ frames: 6 });
    const card = cardId(job);
    const worker = await w.worker(job.id);
    await worker.frames(0, 3);
    await w.emulator.waitFor(() => cardText(w, card).includes('Frame 3/6'), { timeoutMs: 10_000 });
    await first.stop();
    const cardsBefore = w.emulator.messages(w.channelId).length;

    await worker.frames(3, 6);
    await worker.finish();
    await w.tracker();
    await w.emulator.waitFor(() => cardText(w, card).includes('Done: https://'), { timeoutMs: 20_000 });
    expect(resultMessages(w, w.channelId).filter((m) => m.createdAt > job.createdAt.getTime())).toHaveLength(1);
    // The same card was edited; the only new message is the result.
    expect(w.emulator.messages(w.channelId).length).toBe(cardsBefore + 1);
    expect((await w.stores.jobs.getJob(job.id)).progressMessage?.messageId).toBe(card);
  });

  test('a 429 storm on card edits does not stop the tracker; the card catches up with the final state', async () => {
    const w = world();
    await w.tracker({ editIntervalMs: 300 });
    const job = await w.submit({ frames: 6 });
    const card = cardId(job);
    const worker = await w.worker(job.id);
    await worker.frames(0, 1);
    await w.emulator.waitFor(() => cardText(w, card).includes('Frame 1/6'), { timeoutMs: 10_000 });
    w.emulator.rateLimit({ route: new RegExp(`/messages/${card}$`), count: 8, retryAfterMs: 250 });
    await worker.frames(1, 6, 50);
    await worker.finish();
    await w.emulator.waitFor(() => cardText(w, card).includes('Done: https://'), { timeoutMs: 30_000 });
    const limited = w.emulator.requests.filter((r) => r.status === 429 && r.path.endsWith(`/messages/${card}`));
    expect(limited).toHaveLength(8);
    expect(cardText(w, card)).toContain('Frame 6/6');
    expect(resultMessages(w, w.channelId).some((m) => m.content.includes('your animation is ready'))).toBe(true);
  });

  test('a deleted card is posted again and its new ids are stored', async () => {
    const w = world();
    await w.tracker({ editIntervalMs: 300 });
    const job = await w.submit({ frames: 4 });
    const card = cardId(job);
    const worker = await w.worker(job.id);
    await worker.frames(0, 1);
    await w.emulator.waitFor(() => cardText(w, card).includes('Frame 1/4'), { timeoutMs: 10_000 });
    const channel = await w.sendable(w.channelId);
    await channel.messages.delete(card);

    await worker.frames(1, 3);
    const storedCard = async () => cardId(await w.stores.jobs.getJob(job.id));
    await expect.poll(storedCard, { timeout: 10_000 }).not.toBe(card);
    const moved = await storedCard();
    // The fresh card is posted first and filled in by an edit right after: wait for the edit with the preview.
    const previews = () => w.emulator.message(moved)?.attachments.map((a) => a.filename) ?? [];
    await w.emulator.waitFor(() => cardText(w, moved).includes('Frame 3/4') && previews().length > 0, {
      timeoutMs: 10_000,
    });
    expect(previews()).toEqual(['frame.jpg']);
  });

  test('two trackers racing (two bot processes) deliver the result exactly once', async () => {
    const w = world();
    await w.tracker({ editIntervalMs: 200 });
    await w.tracker({ editIntervalMs: 200 });
    const job = await w.submit({ frames: 3 });
    const worker = await w.worker(job.id);
    await worker.frames(0, 3);
    const before = resultMessages(w, w.channelId).length;
    await worker.finish();
    const resultMessage = async () => (await w.stores.jobs.getJob(job.id)).resultMessage;
    await expect.poll(resultMessage, { timeout: 20_000 }).not.toBeNull();
    const delivered = (await resultMessage())?.messageId ?? '';
    await w.emulator.waitFor(() => cardText(w, cardId(job)).includes('Done: https://'), { timeoutMs: 10_000 });
    expect(resultMessages(w, w.channelId).length).toBe(before + 1);
    expect(w.emulator.message(delivered)?.content).toContain('your animation is ready');
  });
});

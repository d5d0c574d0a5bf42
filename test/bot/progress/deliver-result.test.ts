/**
 * Delivery of finished videos against the Discord emulator: what the message carries, the upload-limit paths
 * (the worker's fit encode, shrinking after a 413, giving up), the safety checker's withholding, and a render
 * that outlives its interaction token.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Events, type ChatInputCommandInteraction } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { parseCustomId } from '../../../src/bot/interactions/custom-id.js';
import { deliverResult, type DeliverDeps } from '../../../src/bot/progress/deliver-result.js';
import { postJobCard } from '../../../src/bot/progress/post-job-card.js';
import { fitToSize } from '../../../src/core/video/fit-to-size.js';
import type { JobRecord } from '../../../src/jobs/job-record.js';
import { probeMedia } from '../../../src/core/video/probe-media.js';
import type { EmulatedMessage } from '../../discord-emulator/index.js';
import { defined, smallSettings } from '../../jobs/fixtures.js';
import { FRAME_SIDE, useWorld, type World } from './progress-world.js';

const world = useWorld('deliver_result');

/** Runs a job to completion with the simulated worker; returns the finished job and its MP4. */
async function finishedJob(
  w: World,
  o: Parameters<World['submit']>[0] & { finish?: Parameters<Awaited<ReturnType<World['worker']>>['finish']>[0] } = {},
): Promise<{ job: JobRecord; mp4: Buffer }> {
  const submitted = await w.submit({ frames: 12, ...o });
  const worker = await w.worker(submitted.id);
  await worker.frames(0, submitted.maxFrames);
  const mp4 = await worker.finish(o.finish);
  return { job: await w.stores.jobs.getJob(submitted.id), mp4 };
}

/** fit-to-size.ts, counting its calls and the budgets asked for. */
function countingFit(): DeliverDeps['fit'] & { budgets: number[] } {
  const budgets: number[] = [];
  const fit = async (input: string, maxBytes: number, options: { output: string }) => {
    budgets.push(maxBytes);
    return fitToSize(input, maxBytes, options);
  };
  return Object.assign(fit, { budgets });
}

async function deliver(w: World, job: JobRecord, fit = countingFit()) {
  const channelId = job.progressMessage?.channelId ?? w.channelId;
  const outcome = await deliverResult(await w.sendable(channelId), job, { ...w.stores, storage: w.storage, fit });
  const message = outcome.status === 'skipped' ? undefined : w.emulator.message(outcome.message.id);
  return { outcome, message, fit };
}

function file(message: EmulatedMessage | undefined, name: string) {
  return message?.attachments.find((a) => a.filename === name);
}

function buttonIds(message: EmulatedMessage | undefined) {
  const rows = (message?.components ?? []) as { components: { custom_id: string }[] }[];
  return rows.flatMap((row) => row.components.map((button) => parseCustomId(button.custom_id)));
}

describe('deliverResult', () => {
  test('posts the MP4, the GIF, settings.json, a summary and the next-action buttons, then records it', async () => {
    const w = world();
    const gif = Buffer.from('GIF89a-pretend');
    const { job, mp4 } = await finishedJob(w, {
      request: { request: { preset: 'zoom-in' } },
      finish: { gif },
    });
    const { outcome, message } = await deliver(w, job);
    expect(outcome.status).toBe('delivered');
    expect(file(message, 'deforum.mp4')?.bytes.equals(mp4)).toBe(true);
    expect(file(message, 'deforum.gif')?.bytes.equals(gif)).toBe(true);
    const settings = JSON.parse(file(message, 'settings.json')?.bytes.toString('utf8') ?? '{}') as Record<
      string,
      unknown
    >;
    expect(settings['seed']).toBe(1234);
    expect(settings['max_frames']).toBe(12);
    expect(message?.content).toContain(`<@${w.userId}>`);
    expect(message?.content).toMatch(/preset `zoom-in` · seed 1234 · 12 frames · rendered in \d+ s/);
    expect(buttonIds(message)).toEqual([
      { kind: 'rerender', jobId: job.id },
      { kind: 'newseed', jobId: job.id },
      { kind: 'tweak', jobId: job.id },
    ]);
    const stored = await w.stores.jobs.getJob(job.id);
    expect(stored.resultMessage).toEqual({ channelId: w.channelId, messageId: message?.id });
    expect((await w.stores.cards.findByResultMessage(w.channelId, message?.id ?? ''))?.id).toBe(job.id);
    expect((await deliver(w, stored)).outcome.status).toBe('skipped');
  });

  test("a result over the job's upload limit goes out as the worker's fit encode, and the message says so", async () => {
    const w = world();
    const limit = 20_000;
    const { job, mp4 } = await finishedJob(w, {
      request: { uploadLimitBytes: limit },
      finish: { fitBytes: (video) => fitBytes(video, limit) },
    });
    expect(mp4.length).toBeGreaterThan(limit);
    const { outcome, message, fit } = await deliver(w, job);
    expect(outcome.status).toBe('delivered');
    const sent = file(message, 'deforum.mp4');
    expect(sent?.size).toBeLessThanOrEqual(limit);
    expect(sent?.bytes.equals(await w.storage.get(job.fitKey ?? ''))).toBe(true);
    expect(message?.content).toContain('re-encoded to fit this channel');
    expect(fit.budgets).toEqual([]);
  });

  test('Discord answering 413 shrinks the video to half and sends it again, saying so', async () => {
    const w = world();
    const { job, mp4 } = await finishedJob(w);
    // Discord's real limit turns out lower than the job was told (10 MiB): between half and all of the video.
    w.emulator.rules.uploadLimitBytes = Math.floor(mp4.length * 0.7);
    try {
      const { outcome, message, fit } = await deliver(w, job);
      expect(outcome.status).toBe('delivered');
      expect(fit.budgets).toEqual([Math.floor(mp4.length / 2)]);
      const sent = defined(file(message, 'deforum.mp4'), 'the MP4');
      expect(sent.size).toBeLessThanOrEqual(mp4.length / 2);
      expect(message?.content).toMatch(/Discord refused the larger upload, so the video was re-encoded to \d+ KB/);
      expect(message?.content.match(/re-encoded/g)).toHaveLength(1);
      expect(w.emulator.requests.some((r) => r.status === 413)).toBe(true);
      expect((await withTempMp4(sent.bytes, (video) => probeMedia(video))).video).not.toBeNull();
    } finally {
      w.emulator.rules.uploadLimitBytes = 10 * 1024 * 1024;
    }
  });

  test('gives up after a few smaller tries with a message that keeps the render and links nothing', async () => {
    const w = world();
    const { job } = await finishedJob(w);
    w.emulator.rules.uploadLimitBytes = 600;
    try {
      const { outcome, message, fit } = await deliver(w, job);
      expect(outcome.status).toBe('too_large');
      expect(fit.budgets.length).toBeGreaterThanOrEqual(1);
      expect(fit.budgets.length).toBeLessThanOrEqual(3);
      expect(message?.attachments).toEqual([]);
      expect(message?.content).toContain('The render is kept');
      expect(message?.content).not.toMatch(/https?:|jobs\//);
      expect((await w.stores.jobs.getJob(job.id)).resultMessage?.messageId).toBe(message?.id);
    } finally {
      w.emulator.rules.uploadLimitBytes = 10 * 1024 * 1024;
    }
  });

  test('a flagged render is withheld in an ordinary channel and posted in an age-restricted one', async () => {
    const w = world();
    const plain = await finishedJob(w, { finish: { flagged: true } });
    const withheld = await deliver(w, plain.job);
    expect(withheld.outcome.status).toBe('withheld');
    expect(withheld.message?.attachments).toEqual([]);
    expect(withheld.message?.content).toContain('age-restricted');

    const nsfw = await finishedJob(w, { channelId: w.nsfwChannelId, finish: { flagged: true } });
    const posted = await deliver(w, nsfw.job);
    expect(posted.outcome.status).toBe('delivered');
    expect(posted.message?.channelId).toBe(w.nsfwChannelId);
    expect(file(posted.message, 'deforum.mp4')?.bytes.equals(nsfw.mp4)).toBe(true);
  });
});

describe('a render longer than the interaction token lives', () => {
  test('still updates its card and delivers, because both are channel messages', async () => {
    const w = world();
    w.emulator.rules.tokenLifetimeMs = 300;
    const tracker = await w.tracker({ editIntervalMs: 200 });
    const asked = new Promise<ChatInputCommandInteraction>((resolve) => {
      w.client.once(Events.InteractionCreate, (interaction) => {
        if (interaction.isChatInputCommand()) resolve(interaction);
      });
    });
    const handle = await w.emulator.slashCommand({
      user: { id: w.userId },
      channelId: w.channelId,
      subcommand: 'animate',
    });
    const interaction = await asked;
    await interaction.deferReply();
    const job = await w.stores.jobs.enqueue({
      userId: w.userId,
      settings: smallSettings({ max_frames: 4, W: FRAME_SIDE, H: FRAME_SIDE }),
      model: 'sd-1.5-onnx',
    });
    // What /deforum animate does: the card is a channel message sent with the bot token, not the reply.
    const card = await postJobCard(await w.sendable(w.channelId), job, { ...w.stores, progress: tracker });
    await interaction.editReply('Queued.');
    expect(handle.original()?.content).toBe('Queued.');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(interaction.editReply('too late')).rejects.toMatchObject({ code: 50027 });

    const worker = await w.worker(job.id);
    await worker.frames(0, job.maxFrames);
    await worker.finish();
    const text = () => (w.emulator.message(card.id)?.embeds[0] as { description?: string } | undefined)?.description;
    await w.emulator.waitFor(() => text()?.includes('Done: https://'), { timeoutMs: 20_000 });
    expect((await w.stores.jobs.getJob(job.id)).resultMessage).not.toBeNull();
    w.emulator.rules.tokenLifetimeMs = 15 * 60_000;
  });
});

/** Writes bytes to a temporary MP4 for the file-based video tools, and removes it afterwards. */
async function withTempMp4<T>(bytes: Buffer, run: (file: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'deforum-deliver-test-'));
  try {
    const file = path.join(folder, 'video.mp4');
    await writeFile(file, bytes);
    return await run(file);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** What the worker's fit-to-size encode makes (worker-outputs): the result re-encoded to the upload limit. */
function fitBytes(video: Buffer, maxBytes: number): Promise<Buffer> {
  return withTempMp4(video, async (file) =>
    readFile((await fitToSize(file, maxBytes, { output: `${file}.fit.mp4` })).output),
  );
}

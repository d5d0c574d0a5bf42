/**
 * End to end as a person uses the bot: the harness's real bot, emulator and database, plus real worker processes
 * rendering with tiny ONNX models (test/support/tiny-onnx.ts), so a job goes from the modal to an MP4 in the
 * channel in seconds. One bot and one worker are shared per test file (the machine has two cores).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWorker, type WorkerProcess } from '../../worker/fleet-support.js';
import { writeTinyExport } from '../../support/tiny-onnx.js';
import { answerOf, slash, startTestBot, useForFile, type TestBot, type TestBotOptions } from '../bot-harness.js';
import type { EmulatedAttachment, EmulatedMessage, InteractionHandle } from '../../discord-emulator/index.js';

/** The lease of test workers: a killed worker's job is reclaimed this long after its last heartbeat. */
export const LEASE_MS = 2000;

/** Overrides that make any request a tiny render (64×64, two Euler steps). */
export const TINY = 'W = 64\nH = 64\nsteps = 2\nsampler = euler';

export interface E2E extends TestBot {
  modelsDir: string;
  workers: WorkerProcess[];
  /** Starts another worker on the same database, storage and tiny models. */
  addWorker(id: string): WorkerProcess;
}

async function startE2E(label: string, options: TestBotOptions = {}): Promise<E2E> {
  const t = await startTestBot({ label, ...options, config: { progressEditMs: 300, ...options.config } });
  const modelsDir = writeTinyExport(mkdtempSync(path.join(os.tmpdir(), 'deforum-e2e-models-')));
  const workers: WorkerProcess[] = [];
  const addWorker = (id: string): WorkerProcess => {
    // startWorker passes this process's environment on; the models folder makes the worker render real jobs.
    const saved = process.env['DEFORUM_MODELS_DIR'];
    process.env['DEFORUM_MODELS_DIR'] = modelsDir;
    try {
      const worker = startWorker(id, { databaseUrl: t.db.url, storageDir: t.storageDir, leaseMs: LEASE_MS });
      workers.push(worker);
      return worker;
    } finally {
      if (saved === undefined) delete process.env['DEFORUM_MODELS_DIR'];
      else process.env['DEFORUM_MODELS_DIR'] = saved;
    }
  };
  const stop = async (): Promise<void> => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGTERM');
        await worker.exited;
      }
    }
    await t.stop();
  };
  return { ...t, modelsDir, workers, addWorker, stop };
}

/**
 * The calling file's E2E world (useForFile): started before its tests, with a worker per id in `workers`, and
 * stopped after them.
 */
export function useE2E(label: string, options: TestBotOptions & { workers?: string[] } = {}): E2E {
  const { workers = [], ...botOptions } = options;
  return useForFile(async () => {
    const t = await startE2E(label, botOptions);
    for (const id of workers) t.addWorker(id);
    return t;
  });
}

export type User = { id: string };

export interface ModalFields {
  prompts?: string;
  negative?: string;
  overrides?: string;
  max_frames?: string;
  seed?: string;
}

/** `/deforum animate` with options; resolves with the modal the bot showed (or throws with what it said instead). */
export async function openAnimate(
  t: E2E,
  user: User,
  options: Record<string, string | EmulatedAttachment> = {},
): Promise<{ customId: string; title: string; values: Record<string, string> }> {
  const handle = await slash(t, {
    user,
    subcommand: 'animate',
    options,
  });
  const callback = await handle.callback();
  if (callback.type !== 9)
    throw new Error(`expected a modal, got callback ${callback.type}: ${JSON.stringify(callback.data)}`);
  return modalOf(callback.data ?? {});
}

/** A modal callback's custom id, title and prefilled values by input id. */
export function modalOf(data: Record<string, unknown>): {
  customId: string;
  title: string;
  values: Record<string, string>;
} {
  const values: Record<string, string> = {};
  for (const row of (data['components'] as Record<string, unknown>[] | undefined) ?? []) {
    const inputs = row['component'] !== undefined ? [row['component']] : ((row['components'] as unknown[]) ?? []);
    for (const input of inputs as Record<string, unknown>[]) {
      values[String(input['custom_id'])] = typeof input['value'] === 'string' ? input['value'] : '';
    }
  }
  return { customId: String(data['custom_id']), title: String(data['title']), values };
}

export async function submitModal(
  t: E2E,
  user: User,
  customId: string,
  fields: ModalFields,
): Promise<{ handle: InteractionHandle; answer: EmulatedMessage }> {
  const handle = await t.emulator.modalSubmit({
    user,
    guildId: t.guild.id,
    channelId: t.channel.id,
    customId,
    fields: { prompts: '', negative: '', overrides: '', max_frames: '', seed: '', ...fields },
  });
  return { handle, answer: await answerOf(t.emulator, handle, 15_000) };
}

/** The job id in a job card's footer (`Job <uuid>`). */
export function jobIdOfCard(card: EmulatedMessage): string {
  const match = /Job ([0-9a-f-]{36})/.exec(JSON.stringify(card.embeds));
  if (match?.[1] === undefined) throw new Error(`no job id on card ${card.id}`);
  return match[1];
}

/** The message a reply links to (`https://discord.com/channels/<guild>/<channel>/<message>`). */
export function linkedMessage(t: E2E, text: string): EmulatedMessage {
  const match = /channels\/[^/\s]+\/[^/\s]+\/(\d+)/.exec(text);
  const message = match?.[1] === undefined ? undefined : t.emulator.message(match[1]);
  if (message === undefined) throw new Error(`no linked message in: ${text}`);
  return message;
}

/** Polls an async condition (a database row) until it yields a value. */
export async function until<T>(
  check: () => Promise<T | undefined | null | false>,
  message: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${message} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the job's result is posted; returns the result message. */
export async function resultMessage(t: E2E, jobId: string, timeoutMs = 90_000): Promise<EmulatedMessage> {
  const read = async (): Promise<Record<string, unknown> | undefined> =>
    (
      await t.db.query(
        'SELECT state, frames_done, last_error_code, last_error_message, result_message_id FROM jobs WHERE id = $1',
        [jobId],
      )
    )[0];
  const row = await until(
    async () => (await read())?.['result_message_id'],
    `job ${jobId} was not delivered`,
    timeoutMs,
  ).catch(async (error: unknown) => {
    const workers = t.workers.map((w) => w.output().slice(-3000)).join('\n---\n');
    throw new Error(`${String(error)}: ${JSON.stringify(await read())}\nworkers:\n${workers}`);
  });
  const message = t.emulator.message(String(row));
  if (message === undefined) throw new Error(`result message ${String(row)} is not in the channel`);
  return message;
}

/** The custom ids of a message's buttons. */
export function buttonIds(message: EmulatedMessage): string[] {
  return (message.components as { components?: { custom_id?: string }[] }[]).flatMap((row) =>
    (row.components ?? []).map((button) => button.custom_id ?? ''),
  );
}

/** The texts of the direct messages the bot sent to a user. */
export function directMessages(t: E2E, userId: string): string[] {
  const channels = t.emulator.requests
    .filter((r) => r.method === 'POST' && r.path === '/users/@me/channels')
    .filter((r) => (r.json as { recipient_id?: string } | undefined)?.recipient_id === userId)
    .map((r) => (r.response as { id?: string } | undefined)?.id ?? '');
  return [...new Set(channels)].flatMap((id) => t.emulator.messages(id).map((m) => m.content));
}

/** A job row's columns the tests look at. */
export async function jobRow(
  t: E2E,
  where: string,
  values: unknown[],
): Promise<
  | { id: string; user_id: string; state: string; settings: Record<string, unknown>; request: Record<string, unknown> }
  | undefined
> {
  const rows = await t.db.query<{
    id: string;
    user_id: string;
    state: string;
    settings: Record<string, unknown>;
    request: Record<string, unknown>;
  }>(`SELECT id, user_id, state, settings, request FROM jobs WHERE ${where} ORDER BY created_at DESC LIMIT 1`, values);
  return rows[0];
}

/** Waits until a job card's embed shows `text` (the card is edited just after the result is posted). */
export async function cardShowing(t: E2E, cardId: string, text: string): Promise<EmulatedMessage> {
  return t.emulator.waitFor(
    () => {
      const card = t.emulator.message(cardId);
      return card !== undefined && JSON.stringify(card.embeds).includes(text) ? card : undefined;
    },
    { timeoutMs: 15_000, message: `card ${cardId} never showed "${text}"` },
  );
}

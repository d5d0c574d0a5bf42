/**
 * The bot as its tests run it: a fresh migrated database, LocalStorage in a temporary folder, the Discord
 * emulator with one guild, one channel and three users, the commands registered with the emulator (so option
 * types are Discord's), and the real bot started in-process against it, ready. `logs()` returns the bot's
 * JSON log lines so a test can match an error id the user saw.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { BotConfig } from '../../src/bot/config.js';
import { deployCommands } from '../../src/bot/commands/deploy.js';
import type { BotDeps } from '../../src/bot/deps.js';
import { createBotLogger } from '../../src/bot/logger.js';
import { startBot, type RunningBot } from '../../src/bot/main.js';
import {
  startDiscordEmulator,
  type DiscordEmulator,
  type EmulatedMessage,
  type EmulatorOptions,
  type InteractionHandle,
} from '../discord-emulator/index.js';
import { createTestDatabase, dropTestDatabase, type TestDatabase } from '../support/database.js';

/** Discord's MANAGE_GUILD bit: pass as `permissions` to act as a server admin. */
export const MANAGE_GUILD = 1n << 5n;

export interface TestBotOptions {
  /** Goes into the database name, to find a kept database. */
  label?: string;
  emulator?: EmulatorOptions;
  config?: Partial<BotConfig>;
  /** Replaces the services main.ts would build (the same database is still opened). */
  deps?: Partial<BotDeps>;
}

interface TestUser {
  id: string;
  username: string;
}

export interface TestBot {
  emulator: DiscordEmulator;
  bot: RunningBot;
  db: TestDatabase;
  storageDir: string;
  deps: BotDeps;
  guild: { id: string };
  channel: { id: string };
  /** `admin` owns the guild; give it `permissions: MANAGE_GUILD` in interactions. */
  users: { alice: TestUser; bob: TestUser; admin: TestUser };
  /** The bot's log lines so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Stops the bot and the emulator, drops the database and deletes the storage folder. */
  stop(): Promise<void>;
}

export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const emulator = await startDiscordEmulator(options.emulator);
  const db = await createTestDatabase(options.label ?? 'bot');
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'deforum-bot-'));
  const lines: Record<string, unknown>[] = [];
  const log = createBotLogger('debug', {
    write: (line: string) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  const admin = emulator.createUser({ username: 'admin' });
  const users = {
    alice: emulator.createUser({ username: 'alice' }),
    bob: emulator.createUser({ username: 'bob' }),
    admin,
  };
  const guild = emulator.createGuild({ ownerId: admin.id });
  const channel = emulator.createChannel({ guildId: guild.id });
  const config: BotConfig = {
    token: emulator.token,
    applicationId: emulator.applicationId,
    apiUrl: emulator.apiUrl,
    databaseUrl: db.url,
    storageUrl: storageDir,
    models: ['sd-1.5-onnx'],
    progressEditMs: 3000,
    cdnOrigins: [new URL(emulator.apiUrl).origin],
    logLevel: 'debug',
    ...options.config,
  };
  let bot: RunningBot | undefined;
  const stop = async (): Promise<void> => {
    await bot?.stop();
    await emulator.close();
    await dropTestDatabase(db);
    await rm(storageDir, { recursive: true, force: true });
  };
  try {
    await deployCommands(config);
    bot = await startBot(config, { log, ...options.deps });
  } catch (error) {
    await stop();
    throw error;
  }
  return { emulator, bot, db, storageDir, deps: bot.deps, guild, channel, users, logs: () => [...lines], stop };
}

/**
 * Starts a world before the calling file's tests and stops it after them. The returned object is filled in by
 * beforeAll, so a file keeps one `const` reference and its tests use it as they would `start`'s result.
 */
export function useForFile<T extends { stop(): Promise<void> }>(start: () => Promise<T>): T {
  const world = {} as T;
  beforeAll(async () => {
    Object.assign(world, await start());
  }, 60_000);
  afterAll(async () => {
    if ('stop' in world) await world.stop();
  });
  return world;
}

/** The calling file's bot (startTestBot), started before its tests and stopped after. */
export function useTestBot(options: TestBotOptions = {}): TestBot {
  return useForFile(() => startTestBot(options));
}

type InTestChannel<T> = Omit<T, 'guildId' | 'channelId'>;

/** A slash command in the test guild's channel. */
export function slash(
  t: TestBot,
  o: InTestChannel<Parameters<DiscordEmulator['slashCommand']>[0]>,
): Promise<InteractionHandle> {
  return t.emulator.slashCommand({ ...o, guildId: t.guild.id, channelId: t.channel.id });
}

/** The autocomplete choices the bot offers in the test guild's channel. */
export function autocomplete(
  t: TestBot,
  o: InTestChannel<Parameters<DiscordEmulator['autocomplete']>[0]>,
): ReturnType<DiscordEmulator['autocomplete']> {
  return t.emulator.autocomplete({ ...o, guildId: t.guild.id, channelId: t.channel.id });
}

/** `user` presses the button `customId` on a message in the test channel. */
export function pressButton(
  t: TestBot,
  user: { id: string },
  messageId: string,
  customId: string,
): Promise<InteractionHandle> {
  return t.emulator.pressButton({ user, guildId: t.guild.id, channelId: t.channel.id, messageId, customId });
}

/** `user` reacts with `emoji` to a message in the test channel. */
export function react(t: TestBot, user: { id: string }, messageId: string, emoji: string): Promise<void> {
  return t.emulator.react({ user, guildId: t.guild.id, channelId: t.channel.id, messageId, emoji });
}

/**
 * The bot's answer to an interaction once it has one: the original response after its content or files
 * arrived (a deferred response starts empty), or else the first follow-up.
 */
export async function answerOf(
  emulator: DiscordEmulator,
  handle: InteractionHandle,
  timeoutMs = 10_000,
): Promise<EmulatedMessage> {
  const filled = (message: EmulatedMessage | undefined): EmulatedMessage | undefined =>
    message !== undefined && (message.content !== '' || message.attachments.length > 0) ? message : undefined;
  return emulator.waitFor(() => filled(handle.original()) ?? filled(handle.followups()[0]), {
    timeoutMs,
    message: 'the bot did not answer the interaction',
  });
}

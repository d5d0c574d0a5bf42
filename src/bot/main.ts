/**
 * The bot's composition root (style.md B1): config → database, storage, stores, the progress tracker and the
 * client → login → ready. Tests start it in-process against the Discord emulator, with deps overridden where
 * they need to. Recovery is the libraries': discord.js reconnects and resumes the gateway itself, and pg opens
 * a new connection per query after Postgres comes back, so a query made during an outage fails, dispatch turns
 * that into the internal-error reply, and the next one works. A stray rejection is logged, never fatal.
 */
import { Events, type Client } from 'discord.js';
import cron from 'node-cron';
import { openJobDatabase } from '../jobs/database.js';
import { DraftStore } from '../jobs/draft-store.js';
import { JobCards } from '../jobs/job-cards.js';
import { JobStore } from '../jobs/job-store.js';
import { ModerationStore } from '../jobs/moderation-store.js';
import { PresetStore } from '../jobs/preset-store.js';
import { QuotaStore } from '../jobs/quota-store.js';
import { ServerStore } from '../jobs/server-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../jobs/store-config.js';
import { openStorage } from '../storage/storage.js';
import { createBotClient } from './client.js';
import type { BotConfig } from './config.js';
import type { BotDeps } from './deps.js';
import { dispatchInteraction } from './dispatch.js';
import { createBotLogger } from './logger.js';
import { ProgressTracker } from './progress/progress-tracker.js';
import { onReactionAdd } from './reactions/rerender.js';

/** Drafts of /deforum animate older than this are swept (a modal is filled in within minutes). */
const DRAFT_LIFETIME_MS = 24 * 3600 * 1000;
/** The daily sweep, at a quiet minute. */
const SWEEP_CRON = '41 4 * * *';

export interface RunningBot {
  client: Client;
  deps: BotDeps;
  stop(): Promise<void>;
}

export async function startBot(config: BotConfig, overrides: Partial<BotDeps> = {}): Promise<RunningBot> {
  const log = overrides.log ?? createBotLogger(config.logLevel);
  const db = openJobDatabase(config.databaseUrl);
  const limits = DEFAULT_JOB_STORE_CONFIG;
  const client = createBotClient(config);
  const base = {
    jobs: new JobStore(db, limits),
    presets: new PresetStore(db),
    quota: new QuotaStore(db, limits),
    servers: new ServerStore(db, limits.serverDefaults),
    moderation: new ModerationStore(db, limits.serverDefaults),
    drafts: new DraftStore(db),
    cards: new JobCards(db),
    storage: openStorage(config.storageUrl, process.env),
    config,
    log,
    clock: () => new Date(),
    ...overrides,
  };
  const tracker = new ProgressTracker({
    client,
    jobs: base.jobs,
    cards: base.cards,
    storage: base.storage,
    log,
    databaseUrl: config.databaseUrl,
    editIntervalMs: config.progressEditMs,
    now: base.clock,
  });
  const deps: BotDeps = { progress: tracker, ...base };

  const onRejection = (reason: unknown): void => log.error({ err: reason }, 'unhandled rejection');
  process.on('unhandledRejection', onRejection);
  client.on(Events.InteractionCreate, (interaction) => {
    dispatchInteraction(interaction, deps).catch((error: unknown) => log.error({ err: error }, 'dispatch failed'));
  });
  client.on(Events.MessageReactionAdd, (reaction, user) => {
    onReactionAdd(reaction, user, deps).catch((error: unknown) => log.error({ err: error }, 'reaction failed'));
  });
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ shardId, code: event.code }, 'gateway lost'));
  client.on(Events.ShardResume, (shardId) => log.info({ shardId }, 'gateway resumed'));
  const sweep = cron.schedule(SWEEP_CRON, () => {
    sweepExpired(deps).catch((error: unknown) => log.error({ err: error }, 'daily sweep failed'));
  });

  const stop = async (): Promise<void> => {
    await sweep.stop();
    await tracker.stop();
    await client.destroy();
    await db.$disconnect();
    process.off('unhandledRejection', onRejection);
    log.info('bot stopped');
  };
  try {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(config.token);
    await ready;
    await tracker.start();
  } catch (error) {
    await stop();
    throw error;
  }
  log.info({ user: client.user?.tag, applicationId: config.applicationId }, 'bot ready');
  return { client, deps, stop };
}

async function sweepExpired(deps: BotDeps): Promise<void> {
  const drafts = await deps.drafts.sweep(new Date(deps.clock().getTime() - DRAFT_LIFETIME_MS));
  const quotaRows = await deps.quota.sweepPastPeriods();
  deps.log.info({ drafts, quotaRows }, 'swept expired drafts and past quota periods');
}

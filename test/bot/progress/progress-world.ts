/**
 * What the job-card tests run against: the Discord emulator with a guild, a channel and an age-restricted one;
 * the real discord.js client (the bot's own createBotClient) logged in to it; a fresh migrated database;
 * LocalStorage in a temporary folder; and a worker simulated with the real stores: JobStore.enqueue, then
 * JobLeases.claim / recordFrame (real PNG frames put in storage) / complete with a real MP4 from encode.ts.
 * Trackers are made here (several at once, to race them) rather than taken from the full bot, which starts its
 * own tracker that the tests could not restart or hold back.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Events, type Client, type SendableChannels } from 'discord.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createBotClient } from '../../../src/bot/client.js';
import { createBotLogger } from '../../../src/bot/logger.js';
import { postJobCard } from '../../../src/bot/progress/post-job-card.js';
import { ProgressTracker, type ProgressTrackerOptions } from '../../../src/bot/progress/progress-tracker.js';
import { encodePng } from '../../../src/core/image/codec.js';
import { createRawImage } from '../../../src/core/image/raw-image.js';
import { encodeMp4 } from '../../../src/core/video/encode.js';
import { JobCards } from '../../../src/jobs/job-cards.js';
import type { JobResult, Lease } from '../../../src/jobs/job-leases.js';
import type { JobRecord } from '../../../src/jobs/job-record.js';
import type { EnqueueRequest } from '../../../src/jobs/job-store.js';
import { frameKey, jobFileKey, LocalStorage } from '../../../src/storage/storage.js';
import { startDiscordEmulator, type DiscordEmulator, type EmulatorOptions } from '../../discord-emulator/index.js';
import { createTestDatabase, dropTestDatabase, type TestDatabase } from '../../support/database.js';
import { defined, smallSettings, stores } from '../../jobs/fixtures.js';

export const FRAME_SIDE = 96;
export const FPS = 12;

export interface World {
  emulator: DiscordEmulator;
  db: TestDatabase;
  client: Client;
  storage: LocalStorage;
  stores: ReturnType<typeof stores> & { cards: JobCards };
  channelId: string;
  nsfwChannelId: string;
  userId: string;
  warnings: Record<string, unknown>[];
  sendable(channelId: string): Promise<SendableChannels>;
  /** A started tracker; stopped after the test unless the test stops it. */
  tracker(options?: Partial<ProgressTrackerOptions>): Promise<ProgressTracker>;
  /** Enqueues a job and posts its card (postJobCard) in the channel. */
  submit(o?: { frames?: number; channelId?: string; request?: Partial<EnqueueRequest> }): Promise<JobRecord>;
  worker(jobId: string): Promise<SimulatedWorker>;
}

export interface SimulatedWorker {
  lease: Lease;
  /** Renders frames [from, to): a noisy PNG each, put in storage and recorded. */
  frames(from: number, to: number, gapMs?: number): Promise<void>;
  /** Encodes the stored frames to an MP4 (and optional extras), stores it, completes the job. */
  finish(o?: { flagged?: boolean; fitBytes?: (mp4: Buffer) => Promise<Buffer>; gif?: Buffer }): Promise<Buffer>;
}

export function useWorld(label: string, options: { emulator?: EmulatorOptions } = {}): () => World {
  let world: World | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  const trackers: ProgressTracker[] = [];
  beforeAll(async () => {
    world = await createWorld(label, options.emulator ?? {}, cleanups, trackers);
  });
  afterEach(async () => {
    for (const tracker of trackers.splice(0)) await tracker.stop();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return () => defined(world, 'the world made in beforeAll');
}

async function createWorld(
  label: string,
  emulatorOptions: EmulatorOptions,
  cleanups: (() => Promise<unknown>)[],
  trackers: ProgressTracker[],
): Promise<World> {
  const emulator = await startDiscordEmulator(emulatorOptions);
  cleanups.push(() => emulator.close());
  const db = await createTestDatabase(label);
  cleanups.push(() => dropTestDatabase(db));
  const folder = await mkdtemp(path.join(os.tmpdir(), 'deforum-progress-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const storage = new LocalStorage(path.join(folder, 'storage'));
  const guild = emulator.createGuild();
  const channelId = emulator.createChannel({ guildId: guild.id }).id;
  const nsfwChannelId = emulator.createChannel({ guildId: guild.id, name: 'after-dark', nsfw: true }).id;
  const userId = emulator.createUser({ username: 'alice' }).id;
  const client = createBotClient({ apiUrl: emulator.apiUrl });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(emulator.token);
  await ready;
  cleanups.push(() => client.destroy());
  const warnings: Record<string, unknown>[] = [];
  const log = createBotLogger('warn', { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const all = { ...stores(db.prisma), cards: new JobCards(db.prisma) };

  const sendable = async (id: string): Promise<SendableChannels> => {
    const channel = await client.channels.fetch(id);
    if (channel?.isSendable() !== true) throw new Error(`channel ${id} is not a text channel`);
    return channel;
  };

  const world: World = {
    emulator,
    db,
    client,
    storage,
    stores: all,
    channelId,
    nsfwChannelId,
    userId,
    warnings,
    sendable,
    async tracker(overrides = {}) {
      const tracker = new ProgressTracker({
        client,
        jobs: all.jobs,
        cards: all.cards,
        storage,
        log,
        databaseUrl: db.url,
        editIntervalMs: 1000,
        sweepMs: 2000,
        ...overrides,
      });
      await tracker.start();
      trackers.push(tracker);
      return tracker;
    },
    async submit(o = {}) {
      const job = await all.jobs.enqueue({
        userId,
        settings: smallSettings({ max_frames: o.frames ?? 8, W: FRAME_SIDE, H: FRAME_SIDE, seed: 1234 }),
        model: 'sd-1.5-onnx',
        ...o.request,
      });
      await postJobCard(await sendable(o.channelId ?? channelId), job, all);
      return all.jobs.getJob(job.id);
    },
    async worker(jobId) {
      const claimed = defined(await all.leases.claim({ workerId: 'w1', models: ['sd-1.5-onnx'] }), 'a claim');
      if (claimed.job.id !== jobId) throw new Error(`claimed ${claimed.job.id}, expected ${jobId}`);
      const frameDir = path.join(folder, jobId);
      await mkdir(frameDir, { recursive: true });
      let lease = claimed.lease;
      const worker: SimulatedWorker = {
        get lease() {
          return lease;
        },
        async frames(from, to, gapMs = 0) {
          for (let frame = from; frame < to; frame++) {
            const png = await noisyFrame(frame);
            await writeFile(path.join(frameDir, `${String(frame).padStart(5, '0')}.png`), png);
            const key = frameKey(jobId, frame, lease.attempt);
            await storage.put(key, png);
            lease = await all.leases.recordFrame(lease, { frameIndex: frame, storageKey: key });
            if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
          }
        },
        async finish(f = {}) {
          const count = claimed.job.maxFrames;
          const output = path.join(frameDir, 'result.mp4');
          await encodeMp4({
            frames: { kind: 'pattern', directory: frameDir, pattern: '%05d.png', count },
            output,
            fps: FPS,
          });
          const mp4 = await readFile(output);
          const result: JobResult = { resultKey: jobFileKey(jobId, 'result', 'mp4'), flagged: f.flagged ?? false };
          await storage.put(result.resultKey, mp4);
          if (f.fitBytes !== undefined) {
            result.fitKey = jobFileKey(jobId, 'fit', 'mp4');
            await storage.put(result.fitKey, await f.fitBytes(mp4));
          }
          if (f.gif !== undefined) {
            result.gifKey = jobFileKey(jobId, 'result', 'gif');
            await storage.put(result.gifKey, f.gif);
          }
          await all.leases.complete(lease, result);
          return mp4;
        },
      };
      return worker;
    },
  };
  return world;
}

/** Random noise: incompressible, so the MP4's size is predictable enough to test upload limits with. */
async function noisyFrame(seed: number): Promise<Buffer> {
  const image = createRawImage('u8', FRAME_SIDE, FRAME_SIDE, 3);
  let state = (seed + 1) * 2_654_435_761;
  for (let i = 0; i < image.data.length; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    image.data[i] = state >>> 24;
  }
  return encodePng(image);
}

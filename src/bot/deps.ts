/**
 * What commands and interaction handlers use, passed explicitly (style.md B0: plain objects and `deps`, no
 * global locator). main.ts builds it from the config; a test passes real stores wired to its own database.
 */
import type { DraftStore } from '../jobs/draft-store.js';
import type { JobCards } from '../jobs/job-cards.js';
import type { JobStore } from '../jobs/job-store.js';
import type { ModerationStore } from '../jobs/moderation-store.js';
import type { PresetStore } from '../jobs/preset-store.js';
import type { QuotaStore } from '../jobs/quota-store.js';
import type { ServerStore } from '../jobs/server-store.js';
import type { Storage } from '../storage/storage.js';
import type { BotConfig } from './config.js';
import type { Logger } from './logger.js';

export interface BotDeps {
  jobs: JobStore;
  presets: PresetStore;
  quota: QuotaStore;
  servers: ServerStore;
  moderation: ModerationStore;
  drafts: DraftStore;
  cards: JobCards;
  /** The live job cards (src/bot/progress): a new or resumed job is tracked until its result is delivered. */
  progress: { track(jobId: string): void };
  storage: Storage;
  config: BotConfig;
  log: Logger;
  clock: () => Date;
}

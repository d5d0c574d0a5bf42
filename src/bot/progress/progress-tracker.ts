/**
 * Keeps every open job card current (discord-ux.md: update on a timer, not on every frame). The worker's frames
 * and state changes arrive as `NOTIFY deforum_progress`; each one only marks its card dirty, and a card is
 * refreshed at most once per editIntervalMs with whatever is newest then, with at most one refresh in flight per
 * card, so a burst of frames or a slow, rate-limited Discord (discord.js waits out 429s itself) coalesces into
 * one edit instead of a backlog. The open cards come from the database at start and at every sweep, so a
 * restarted bot, or a second bot process, keeps editing the same channel messages; the sweep also catches a
 * NOTIFY missed while the LISTEN connection was down. A failed refresh is logged and retried, backing off while it keeps failing.
 */
import type { Client } from 'discord.js';
import type { JobCards } from '../../jobs/job-cards.js';
import type { JobStore } from '../../jobs/job-store.js';
import { ProgressListener } from '../../jobs/progress-listener.js';
import type { Storage } from '../../storage/storage.js';
import type { Logger } from '../logger.js';
import type { DeliverDeps } from './deliver-result.js';
import { refreshCard, type CardView } from './refresh-card.js';

export interface ProgressTrackerOptions {
  client: Client;
  jobs: Pick<JobStore, 'getJob' | 'setProgressMessage'>;
  cards: JobCards;
  storage: Pick<Storage, 'get'>;
  log: Pick<Logger, 'warn'>;
  /** For the LISTEN connection. */
  databaseUrl: string;
  /** DEFORUM_PROGRESS_EDIT_MS: the least time between two edits of one card. */
  editIntervalMs?: number;
  /** How often the open cards are re-read from the database. */
  sweepMs?: number;
  fit?: DeliverDeps['fit'];
  now?: () => Date;
}

export const DEFAULT_EDIT_INTERVAL_MS = 3000;
export const DEFAULT_SWEEP_MS = 30_000;

interface TrackedCard {
  view: CardView;
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | null;
  dirty: boolean;
  /** Its last refresh showed a final state; kept (with its view) until a sweep no longer lists it as open. */
  closed: boolean;
  lastRefreshAt: number;
  /** Refreshes failed in a row: each one doubles the wait, so a card Discord keeps refusing is not hammered. */
  failures: number;
}

/** The longest backoff after failed refreshes: 2^6 edit intervals (about 3 min at 3 s). */
const MAX_BACKOFF_DOUBLINGS = 6;

export class ProgressTracker {
  private readonly tracked = new Map<string, TrackedCard>();
  private readonly editIntervalMs: number;
  private listener: ProgressListener | null = null;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ProgressTrackerOptions) {
    this.editIntervalMs = options.editIntervalMs ?? DEFAULT_EDIT_INTERVAL_MS;
  }

  async start(): Promise<void> {
    this.listener = await ProgressListener.listen({
      databaseUrl: this.options.databaseUrl,
      onJob: (jobId) => this.track(jobId),
      onReconnect: () => void this.sweep(),
      onError: (error) => this.options.log.warn({ err: error }, 'progress LISTEN connection lost; reconnecting'),
    });
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepMs ?? DEFAULT_SWEEP_MS);
  }

  /** Refreshes the job's card as soon as its edit interval allows (a job without a card is dropped then). */
  track(jobId: string): void {
    if (this.stopped) return;
    let card = this.tracked.get(jobId);
    if (card === undefined) {
      card = {
        view: { frameKey: null, rendered: null, editedAt: 0 },
        timer: undefined,
        inFlight: null,
        dirty: false,
        closed: false,
        lastRefreshAt: 0,
        failures: 0,
      };
      this.tracked.set(jobId, card);
    }
    card.dirty = true;
    this.schedule(jobId, card);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const card of this.tracked.values()) clearTimeout(card.timer);
    await this.listener?.close();
    await Promise.all([...this.tracked.values()].map((card) => card.inFlight));
    this.tracked.clear();
  }

  private async sweep(): Promise<void> {
    try {
      const open = new Set((await this.options.cards.openCards()).map((job) => job.id));
      for (const [jobId, card] of this.tracked) {
        if (card.closed && !open.has(jobId) && card.inFlight === null && card.timer === undefined) {
          this.tracked.delete(jobId);
        }
      }
      for (const jobId of open) this.track(jobId);
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not read the open job cards; retrying at the next sweep');
    }
  }

  private schedule(jobId: string, card: TrackedCard): void {
    if (card.inFlight !== null || card.timer !== undefined || this.stopped) return;
    // Spaced from the last refresh (no database reads per frame) and from the last edit sent (Discord's view).
    const last = Math.max(card.lastRefreshAt, card.view.editedAt);
    const intervalMs = this.editIntervalMs * 2 ** Math.min(card.failures, MAX_BACKOFF_DOUBLINGS);
    const waitMs = Math.max(0, last + intervalMs - Date.now());
    card.timer = setTimeout(() => {
      card.timer = undefined;
      card.inFlight = this.refresh(jobId, card);
    }, waitMs);
  }

  private async refresh(jobId: string, card: TrackedCard): Promise<void> {
    card.dirty = false;
    card.lastRefreshAt = Date.now();
    try {
      const outcome = await refreshCard(jobId, card.view, {
        ...this.options,
        now: this.options.now ?? (() => new Date()),
      });
      card.closed = outcome === 'closed';
      card.failures = 0;
    } catch (error) {
      card.failures += 1;
      this.options.log.warn({ err: error, jobId, failures: card.failures }, 'job card refresh failed; retrying later');
      card.dirty = true;
    } finally {
      card.inFlight = null;
    }
    // A NOTIFY that came during the refresh marked it dirty again: one more refresh, one interval later.
    if (card.dirty) this.schedule(jobId, card);
  }
}

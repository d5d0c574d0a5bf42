/**
 * The jobs table as the bot's job cards see it (src/bot/progress): which cards are still live, a job's place in
 * the queue, its speed, its newest frame, and the one-time delivery of its result. Raw SQL into JobRow like
 * job-store.ts, so rows parse the same way everywhere.
 */
import type { JobDatabase } from './database.js';
import { toJobRecord, type DiscordMessageRef, type JobRecord, type JobRow } from './job-record.js';
import { parseJobId } from './job-store.js';

/**
 * How long a failed or cancelled card stays open after its last change. Those jobs are never delivered
 * (`delivered_at` is for succeeded jobs only), so without a window they would stay open forever; an hour is
 * long enough that a bot restarted right after the failure still shows it with its Resume button, and short
 * enough that a restart does not re-edit every card the bot ever posted.
 */
export const ENDED_CARD_WINDOW_SECONDS = 3600;

/**
 * A delivery claimed this long ago without a result message is taken to have died with its bot process (the
 * upload, even with two fit-to-size re-encodes, takes far less), and another process may deliver it again.
 */
export const DELIVERY_CLAIM_SECONDS = 900;

/** Frames the speed is averaged over: recent enough to follow a change of worker, long enough to be steady. */
const TIMING_FRAMES = 10;

export class JobCards {
  constructor(private readonly db: JobDatabase) {}

  /**
   * Jobs whose card the bot still edits: a card was posted and the result not delivered, and the job is queued,
   * running or succeeded (waiting for delivery), or failed/cancelled within ENDED_CARD_WINDOW_SECONDS. A
   * succeeded job whose delivery claim went stale counts as undelivered. Oldest change first.
   */
  async openCards(): Promise<JobRecord[]> {
    const rows = await this.db.$queryRaw<JobRow[]>`
      SELECT * FROM jobs
       WHERE progress_message_id IS NOT NULL
         AND (delivered_at IS NULL
              OR (result_message_id IS NULL
                  AND delivered_at < now() - make_interval(secs => ${DELIVERY_CLAIM_SECONDS}::float8)))
         AND (state IN ('queued', 'running', 'succeeded')
              OR updated_at > now() - make_interval(secs => ${ENDED_CARD_WINDOW_SECONDS}::float8))
       ORDER BY updated_at, id`;
    return rows.map(toJobRecord);
  }

  /**
   * Queued jobs ahead of this one, or null when it is not queued. The claim is round-robin over users (fewest
   * running first, then served longest ago), so a job that is k-th in its owner's own queue waits for its k
   * predecessors and for up to k + 1 jobs of every other user with queued jobs: k + Σ min(queued_u, k + 1).
   * Good enough for "3rd in line": it ignores model filters, retry backoff and the running-count tie-break.
   */
  async queuePosition(jobId: string): Promise<number | null> {
    const rows = await this.db.$queryRaw<{ ahead: number }[]>`
      WITH me AS (
        SELECT id, user_id, priority, created_at FROM jobs WHERE id = ${parseJobId(jobId)}::uuid AND state = 'queued'
      ), own AS (
        SELECT count(q.id)::int AS k FROM me
          LEFT JOIN jobs q ON q.user_id = me.user_id AND q.state = 'queued'
           AND (q.priority > me.priority
                OR (q.priority = me.priority AND (q.created_at, q.id) < (me.created_at, me.id)))
      )
      SELECT (own.k + coalesce((SELECT sum(least(u.queued, own.k + 1)) FROM job_user_queue u
                                 WHERE u.queued > 0 AND u.user_id <> me.user_id), 0))::int AS ahead
        FROM me, own`;
    return rows[0]?.ahead ?? null;
  }

  /**
   * Seconds per frame over the current attempt's last TIMING_FRAMES frames (the time between the first and the
   * last of them, by when they were recorded), or null before two frames. Earlier attempts may have run on
   * another GPU or before a pause, so they do not count.
   */
  async frameTiming(jobId: string): Promise<number | null> {
    const rows = await this.db.$queryRaw<{ created_at: Date }[]>`
      SELECT f.created_at FROM job_frames f JOIN jobs j ON j.id = f.job_id AND f.attempt = j.attempt
       WHERE f.job_id = ${parseJobId(jobId)}::uuid
       ORDER BY f.created_at DESC, f.frame_index DESC
       LIMIT ${TIMING_FRAMES + 1}::int`;
    const newest = rows[0];
    const oldest = rows[rows.length - 1];
    if (rows.length < 2 || newest === undefined || oldest === undefined) return null;
    return (newest.created_at.getTime() - oldest.created_at.getTime()) / 1000 / (rows.length - 1);
  }

  /** The storage key of the highest recorded frame (its key names frame and attempt), or null before one. */
  async latestFrame(jobId: string): Promise<string | null> {
    const rows = await this.db.$queryRaw<{ storage_key: string }[]>`
      SELECT storage_key FROM job_frames WHERE job_id = ${parseJobId(jobId)}::uuid
       ORDER BY frame_index DESC LIMIT 1`;
    return rows[0]?.storage_key ?? null;
  }

  /**
   * Takes the right to deliver a succeeded job: true for exactly one caller, however many bot processes race
   * (one conditional UPDATE; the row lock serialises them). A claim that never got its markDelivered (the
   * process died mid-upload) can be taken again after DELIVERY_CLAIM_SECONDS.
   */
  async claimDelivery(jobId: string): Promise<boolean> {
    const claimed = await this.db.$executeRaw`
      UPDATE jobs SET delivered_at = now()
       WHERE id = ${parseJobId(jobId)}::uuid AND state = 'succeeded'
         AND (delivered_at IS NULL
              OR (result_message_id IS NULL
                  AND delivered_at < now() - make_interval(secs => ${DELIVERY_CLAIM_SECONDS}::float8)))`;
    return claimed === 1;
  }

  /** Gives a claim back after a failed post (Discord down, storage unreachable), so the next try need not wait. */
  async releaseDelivery(jobId: string): Promise<void> {
    await this.db.$executeRaw`
      UPDATE jobs SET delivered_at = NULL
       WHERE id = ${parseJobId(jobId)}::uuid AND delivered_at IS NOT NULL AND result_message_id IS NULL`;
  }

  /**
   * Records the message the result was posted in (after claimDelivery). False when it was already recorded, so
   * a late second writer cannot replace the first result message.
   */
  async markDelivered(jobId: string, message: DiscordMessageRef): Promise<boolean> {
    const updated = await this.db.$executeRaw`
      UPDATE jobs SET delivered_at = coalesce(delivered_at, now()),
                      result_channel_id = ${message.channelId}, result_message_id = ${message.messageId}
       WHERE id = ${parseJobId(jobId)}::uuid AND state = 'succeeded' AND result_message_id IS NULL`;
    return updated === 1;
  }

  /** The job whose finished video is in this message (a 🔁 reaction on it), or null for any other message. */
  async findByResultMessage(channelId: string, messageId: string): Promise<JobRecord | null> {
    const rows = await this.db.$queryRaw<JobRow[]>`
      SELECT * FROM jobs WHERE result_message_id = ${messageId} AND result_channel_id = ${channelId}`;
    const row = rows[0];
    return row === undefined ? null : toJobRecord(row);
  }
}

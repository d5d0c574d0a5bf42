/**
 * The `jobs` table as the bot and the CLI use it: submit with its cost reserved in the same transaction, read,
 * list, cancel and resume. What workers do to a job (claim, heartbeat, checkpoint, complete, fail, reclaim) is in
 * job-leases.ts. Jobs are read with raw SQL (`RETURNING *` into JobRow) so every path parses rows the same way.
 */
import { randomUUID } from 'node:crypto';
import { DeforumError } from '../core/errors.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { TRANSACTION_OPTIONS, type JobDatabase } from './database.js';
import { toJobRecord, type JobRecord, type JobRow } from './job-record.js';
import { isCancellable, isResumable, type JobStatus } from './job-state.js';
import { reserveUnits } from './quota-store.js';
import { renderCost } from './render-cost.js';
import { limitsFor } from './server-store.js';
import type { JobStoreConfig, QuotaLimits } from './store-config.js';
import { lockUser, type Tx } from './user-store.js';

export const ATTACHMENT_KINDS = ['init', 'mask', 'video', 'audio', 'settings'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export interface AttachmentInput {
  kind: AttachmentKind;
  storageKey: string;
  sizeBytes: number;
  contentType: string;
}

export interface EnqueueRequest {
  /** Give one (newJobId()) when files must be stored under the job's id before it is submitted. */
  id?: string;
  userId: string;
  serverId?: string | null;
  settings: DeforumSettings;
  model: string;
  preview?: boolean;
  priority?: number;
  attachments?: readonly AttachmentInput[];
  /** What the user typed in Discord, kept so Tweak and re-render start from it. */
  request?: Readonly<Record<string, unknown>>;
  /** The upload limit of the channel the result goes to (Discord's attachment_size_limit). */
  uploadLimitBytes?: number;
}

export interface ListJobsQuery {
  userId?: string;
  states?: readonly JobStatus[];
  /** Autocomplete: ids starting with this text. */
  idPrefix?: string;
  limit?: number;
}

/** Who acts on a job: its owner, or an operator/admin (`null`) who may act on any job. */
export type Actor = { userId: string } | null;

export function newJobId(): string {
  return randomUUID();
}

export class JobStore {
  constructor(
    private readonly db: JobDatabase,
    private readonly config: JobStoreConfig,
  ) {}

  /** Checks the caps, reserves the cost and queues the job, all in one transaction; NOTIFY wakes the workers. */
  async enqueue(request: EnqueueRequest): Promise<JobRecord> {
    const preview = request.preview ?? false;
    const attachments = request.attachments ?? [];
    const hasInit =
      attachments.some((a) => a.kind === 'init') || (request.settings.use_init && request.settings.init_image !== null);
    const cost = renderCost(request.settings, { preview, hasInit }).units;
    const serverId = request.serverId ?? null;
    return this.db.$transaction(async (tx) => {
      await lockUser(tx, request.userId);
      const limits = await limitsFor(tx, serverId, this.config);
      checkCaps(request.settings, limits);
      await checkActiveJobs(tx, request.userId, limits);
      const periodStart = await reserveUnits(tx, request.userId, cost, limits);
      const rows = await tx.$queryRaw<JobRow[]>`
        INSERT INTO jobs (id, user_id, server_id, settings, model, preview, priority, max_attempts, max_frames,
                          cost_units, units_reserved, quota_period_start, request, upload_limit_bytes)
        VALUES (${request.id ?? newJobId()}::uuid, ${request.userId}, ${serverId},
                ${JSON.stringify(request.settings)}::jsonb, ${request.model}, ${preview}, ${request.priority ?? 0}::int,
                ${this.config.retry.maxAttempts}::int, ${request.settings.max_frames}::int, ${cost}::int, ${cost}::int,
                ${periodStart}, ${request.request === undefined ? null : JSON.stringify(request.request)}::jsonb,
                ${request.uploadLimitBytes ?? null}::int)
        RETURNING *`;
      const job = toJobRecord(single(rows));
      if (attachments.length > 0) {
        await tx.attachment.createMany({ data: attachments.map((a) => ({ ...a, jobId: job.id })) });
      }
      return job;
    }, TRANSACTION_OPTIONS);
  }

  async getJob(jobId: string): Promise<JobRecord> {
    const rows = await this.db.$queryRaw<JobRow[]>`SELECT * FROM jobs WHERE id = ${parseJobId(jobId)}::uuid`;
    const row = rows[0];
    if (row === undefined) throw jobNotFound(jobId);
    return toJobRecord(row);
  }

  /**
   * Jobs waiting in the queue, for the workers' /metrics on every scrape: summed from job_user_queue (one row per
   * user, kept by a trigger) over the users with queued jobs, through its partial index, instead of counting jobs.
   */
  async queueDepth(): Promise<number> {
    const rows = await this.db.$queryRaw<{ depth: number }[]>`
      SELECT coalesce(sum(queued), 0)::int AS depth FROM job_user_queue WHERE queued > 0`;
    return rows[0]?.depth ?? 0;
  }

  /**
   * For the retention sweep: up to `limit` succeeded jobs that finished at or before `finishedBefore` and still have
   * frame rows, oldest first. `forgetFrames` removes the rows once their files are deleted, so each sweep goes on
   * where the last one stopped instead of looking at the same jobs again.
   */
  async listJobsWithOldFrames(finishedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT j.id FROM jobs j
       WHERE j.state = 'succeeded' AND j.finished_at <= ${finishedBefore}
         AND EXISTS (SELECT 1 FROM job_frames f WHERE f.job_id = j.id)
       ORDER BY j.finished_at, j.id
       LIMIT ${limit}::int`;
    return rows.map((row) => row.id);
  }

  /** Drops the frame rows of a succeeded job whose frame files retention deleted (they would name missing files). */
  async forgetFrames(jobId: string): Promise<void> {
    await this.db.$executeRaw`
      DELETE FROM job_frames f USING jobs j
       WHERE f.job_id = ${parseJobId(jobId)}::uuid AND j.id = f.job_id AND j.state = 'succeeded'`;
  }

  /** Newest first; for `/deforum queue`, `deforum jobs list` and autocomplete. */
  async listJobs(query: ListJobsQuery = {}): Promise<JobRecord[]> {
    const states = query.states ?? null;
    const prefix = query.idPrefix === undefined ? null : `${query.idPrefix.replace(/[^0-9a-f-]/gi, '')}%`;
    const rows = await this.db.$queryRaw<JobRow[]>`
      SELECT * FROM jobs
       WHERE (${query.userId ?? null}::text IS NULL OR user_id = ${query.userId ?? null})
         AND (${states}::text[] IS NULL OR state = ANY(${states}::text[]))
         AND (${prefix}::text IS NULL OR id::text LIKE ${prefix})
       ORDER BY created_at DESC, id
       LIMIT ${query.limit ?? 25}::int`;
    return rows.map(toJobRecord);
  }

  async listAttachments(jobId: string): Promise<AttachmentInput[]> {
    const rows = await this.db.attachment.findMany({ where: { jobId: parseJobId(jobId) }, orderBy: { kind: 'asc' } });
    return rows.map((row) => ({
      kind: parseAttachmentKind(row.kind),
      storageKey: row.storageKey,
      sizeBytes: row.sizeBytes,
      contentType: row.contentType,
    }));
  }

  /** Checkpointed frames in order: what a resumed render finds. */
  async listFrames(jobId: string): Promise<{ frameIndex: number; storageKey: string; attempt: number }[]> {
    return this.db.jobFrame.findMany({
      where: { jobId: parseJobId(jobId) },
      orderBy: { frameIndex: 'asc' },
      select: { frameIndex: true, storageKey: true, attempt: true },
    });
  }

  /** The bot keeps the id of the message it edits with progress, so it can go on after a restart. */
  async setProgressMessage(jobId: string, message: { channelId: string; messageId: string }): Promise<void> {
    const updated = await this.db.$executeRaw`
      UPDATE jobs SET progress_channel_id = ${message.channelId}, progress_message_id = ${message.messageId}
       WHERE id = ${parseJobId(jobId)}::uuid`;
    if (updated === 0) throw jobNotFound(jobId);
  }

  /**
   * Queued or running → cancelled. A running job's worker learns it at its next heartbeat or checkpoint (its
   * fenced writes are refused) and stops within one frame. The trigger returns the unused units.
   */
  async cancel(jobId: string, actor: Actor): Promise<JobRecord> {
    return this.db.$transaction(async (tx) => {
      const job = await lockJob(tx, jobId, actor);
      if (!isCancellable(job.state)) throw stateConflict(job, 'cancel');
      const rows = await tx.$queryRaw<JobRow[]>`
        UPDATE jobs SET state = 'cancelled' WHERE id = ${job.id}::uuid RETURNING *`;
      return toJobRecord(single(rows));
    }, TRANSACTION_OPTIONS);
  }

  /**
   * Failed or cancelled → queued, keeping the checkpointed frames: the next worker starts at framesDone. The
   * units not yet charged are reserved again, within the current period's quota.
   */
  async resume(jobId: string, actor: Actor): Promise<JobRecord> {
    return this.db.$transaction(async (tx) => {
      const owner = await ownerOf(tx, jobId);
      await lockUser(tx, owner);
      const job = await lockJob(tx, jobId, actor);
      if (!isResumable(job.state)) throw stateConflict(job, 'resume');
      const limits = await limitsFor(tx, job.serverId, this.config);
      await checkActiveJobs(tx, job.userId, limits);
      const units = job.costUnits - job.unitsUsed;
      const periodStart = await reserveUnits(tx, job.userId, units, limits);
      const rows = await tx.$queryRaw<JobRow[]>`
        UPDATE jobs SET state = 'queued', failed_attempts = 0, run_after = now(), units_reserved = ${units}::int,
                        quota_period_start = ${periodStart}
         WHERE id = ${job.id}::uuid RETURNING *`;
      return toJobRecord(single(rows));
    }, TRANSACTION_OPTIONS);
  }
}

function checkCaps(settings: DeforumSettings, limits: QuotaLimits): void {
  const caps = [
    ['W', settings.W, limits.maxWidth],
    ['H', settings.H, limits.maxHeight],
    ['steps', settings.steps, limits.maxSteps],
    ['max_frames', settings.max_frames, limits.maxFrames],
  ] as const;
  for (const [setting, given, limit] of caps) {
    if (given > limit) {
      throw new DeforumError(
        { code: 'cap_exceeded', setting, limit, given },
        `${setting} is ${given}, over this server's limit of ${limit}. Lower ${setting} to ${limit} or less.`,
      );
    }
  }
}

async function checkActiveJobs(tx: Tx, userId: string, limits: QuotaLimits): Promise<void> {
  const rows = await tx.$queryRaw<{ active: number }[]>`
    SELECT count(*)::int AS active FROM jobs WHERE user_id = ${userId} AND state IN ('queued', 'running')`;
  const active = rows[0]?.active ?? 0;
  if (active >= limits.maxActiveJobs) {
    throw new DeforumError(
      { code: 'too_many_jobs', limit: limits.maxActiveJobs },
      `You already have ${active} jobs queued or running, the most allowed at once. ` +
        'Wait for one to finish or cancel one.',
    );
  }
}

async function ownerOf(tx: Tx, jobId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM jobs WHERE id = ${parseJobId(jobId)}::uuid`;
  const row = rows[0];
  if (row === undefined) throw jobNotFound(jobId);
  return row.user_id;
}

async function lockJob(tx: Tx, jobId: string, actor: Actor): Promise<JobRecord> {
  const rows = await tx.$queryRaw<JobRow[]>`SELECT * FROM jobs WHERE id = ${parseJobId(jobId)}::uuid FOR UPDATE`;
  const row = rows[0];
  if (row === undefined) throw jobNotFound(jobId);
  if (actor !== null && row.user_id !== actor.userId) {
    throw new DeforumError(
      { code: 'job_not_owner', jobId, userId: actor.userId },
      `Job ${jobId} belongs to someone else; only its owner or an admin can change it.`,
    );
  }
  return toJobRecord(row);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Job ids are UUIDs; anything else is reported as an unknown job rather than a database error. */
export function parseJobId(jobId: string): string {
  if (!UUID.test(jobId)) throw jobNotFound(jobId);
  return jobId.toLowerCase();
}

function jobNotFound(jobId: string): DeforumError {
  return new DeforumError(
    { code: 'job_not_found', jobId },
    `There is no job ${jobId}. List your jobs (\`deforum jobs list\` or /deforum queue) to find its id.`,
  );
}

function stateConflict(job: JobRecord, action: 'cancel' | 'resume'): DeforumError {
  const allowed = action === 'cancel' ? 'queued or running' : 'failed or cancelled';
  return new DeforumError(
    { code: 'job_state_conflict', jobId: job.id, state: job.state.status, action },
    `Job ${job.id} is ${job.state.status}; only ${allowed} jobs can be ${action === 'cancel' ? 'cancelled' : 'resumed'}.`,
  );
}

function parseAttachmentKind(kind: string): AttachmentKind {
  const found = ATTACHMENT_KINDS.find((candidate) => candidate === kind);
  if (found === undefined) throw new Error(`attachment kind '${kind}' breaks the attachments table's CHECK`);
  return found;
}

function single(rows: JobRow[]): JobRow {
  const row = rows[0];
  if (row === undefined) throw new Error('a job write returned no row');
  return row;
}

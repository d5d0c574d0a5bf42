/**
 * What workers do to jobs (style.md B6, runtime-notes §E): claim in one statement with `FOR UPDATE SKIP LOCKED`
 * and fair share, heartbeat, checkpoint frames, complete, fail, give back, and the sweep that reclaims expired
 * leases. Every write of a worker is fenced by (job, worker, attempt, state = running): zero rows means its lease
 * is gone (expired and reclaimed, or the job was cancelled) and it gets `lease_lost`; job_frames has the same
 * fence as a trigger, so even a write that skipped this module is refused.
 */
import { DeforumError } from '../core/errors.js';
import { driverPool, TRANSACTION_OPTIONS, type JobDatabase } from './database.js';
import { toJobRecord, type JobRecord, type JobRow } from './job-record.js';
import { failAttempt, type JobError, type RunningState } from './job-state.js';
import type { JobStoreConfig } from './store-config.js';
import type { Tx } from './user-store.js';

/** What a worker holds while it renders a job; every write carries it. */
export interface Lease {
  jobId: string;
  workerId: string;
  /** The fencing token. */
  attempt: number;
  leaseUntil: Date;
}

export interface ClaimedJob {
  lease: Lease;
  job: JobRecord;
}

export interface ClaimOptions {
  workerId: string;
  /** Model names this worker can run; preview jobs need none and go to any worker. */
  models: readonly string[];
}

/** What a finished job stored: the MP4, and the GIF and fit-to-size MP4 when they were made. */
export interface JobResult {
  resultKey: string;
  gifKey?: string | undefined;
  fitKey?: string | undefined;
  /** The safety checker flagged a frame of this attempt. */
  flagged?: boolean;
}

export interface FrameCheckpoint {
  frameIndex: number;
  storageKey: string;
}

/**
 * Candidates per user in one claim. More claimers than this racing for a single user's jobs in the same
 * instant get null for that claim (they pass the locked rows) and find the job on their next wake-up.
 */
export const CLAIM_WINDOW_PER_USER = 8;

/**
 * $1 worker id, $2 the worker's models, $3 lease seconds, $4 CLAIM_WINDOW_PER_USER. The re-check of
 * `j.state = 'queued'` after the row lock drops a job another claimer took between the snapshot and the lock.
 */
const CLAIM_SQL = `
  WITH next AS (
    SELECT j.id FROM job_user_queue u
     CROSS JOIN LATERAL (
       SELECT q.id, q.priority, q.created_at FROM jobs q
        WHERE q.user_id = u.user_id AND q.state = 'queued' AND q.run_after <= now()
          AND (q.preview OR q.model = ANY($2::text[]))
        ORDER BY q.priority DESC, q.created_at, q.id
        LIMIT $4::int) c
     JOIN jobs j ON j.id = c.id
     WHERE u.queued > 0 AND j.state = 'queued'
     ORDER BY u.running, u.served_at NULLS FIRST, c.priority DESC, c.created_at, c.id
     LIMIT 1
       FOR UPDATE OF j SKIP LOCKED
  )
  UPDATE jobs j
     SET state = 'running', worker_id = $1::text, attempt = j.attempt + 1,
         lease_until = now() + make_interval(secs => $3::float8),
         started_at = coalesce(j.started_at, now()), claimed_at = clock_timestamp()
    FROM next WHERE j.id = next.id
  RETURNING j.*`;

/** $1 job, $2 worker, $3 attempt (the fence), $4 lease seconds. */
const HEARTBEAT_SQL = `
  UPDATE jobs SET lease_until = now() + make_interval(secs => $4::float8)
   WHERE id = $1::uuid AND worker_id = $2::text AND attempt = $3::int AND state = 'running'
  RETURNING lease_until`;

/**
 * $1 job, $2 worker, $3 attempt (the fence), $4 lease seconds, $5 frame index, $6 storage key. One statement and
 * one round trip per frame, where an interactive transaction took four (BEGIN, update, upsert, COMMIT): the fenced
 * update locks the job's row, and the job_frames upsert reads its id and attempt from it, so a refused fence
 * writes nothing and returns no row. The job_frames fence trigger still checks the insert.
 */
const RECORD_FRAME_SQL = `
  WITH fenced AS (
    UPDATE jobs SET frames_done = GREATEST(frames_done, $5::int + 1),
                    lease_until = now() + make_interval(secs => $4::float8)
     WHERE id = $1::uuid AND worker_id = $2::text AND attempt = $3::int AND state = 'running'
    RETURNING id, attempt, lease_until),
  framed AS (
    INSERT INTO job_frames (job_id, frame_index, storage_key, attempt)
    SELECT id, $5::int, $6::text, attempt FROM fenced
    ON CONFLICT (job_id, frame_index)
    DO UPDATE SET storage_key = EXCLUDED.storage_key, attempt = EXCLUDED.attempt, created_at = now()
    RETURNING job_id)
  SELECT fenced.lease_until FROM fenced JOIN framed ON framed.job_id = fenced.id`;

/**
 * $1 job, $2 worker, $3 attempt (the fence), $4 result key, $5 GIF key, $6 fit-to-size key, $7 flagged. A flag
 * written earlier (by `flag`, possibly in an earlier attempt) stays.
 */
const COMPLETE_SQL = `
  UPDATE jobs SET state = 'succeeded', result_key = $4::text, gif_key = $5::text, fit_key = $6::text,
                  flagged = flagged OR $7::boolean, frames_done = max_frames
   WHERE id = $1::uuid AND worker_id = $2::text AND attempt = $3::int AND state = 'running'
  RETURNING *`;

export class JobLeases {
  constructor(
    private readonly db: JobDatabase,
    private readonly config: Pick<JobStoreConfig, 'leaseSeconds' | 'retry'>,
  ) {}

  /** One hot statement: a named prepared statement on the driver's pool, or Prisma's raw query without one. */
  private async query<Row>(name: string, text: string, values: unknown[]): Promise<Row[]> {
    const pool = driverPool(this.db);
    if (pool === undefined) return this.db.$queryRawUnsafe<Row[]>(text, ...values);
    const result = await pool.query({ name, text, values });
    return result.rows as Row[];
  }

  /**
   * The next job for this worker, or null. Fair share: users with the fewest running jobs first, among them the
   * one served longest ago (round-robin), so one user's 20 jobs do not starve another's one; then priority, then
   * age within the user. The users come in that order from job_user_queue (a row per user with queued and running
   * counts and the last claim, kept by a trigger on jobs), through its index; each user's CLAIM_WINDOW_PER_USER
   * best jobs come from jobs_queued_idx, and the incremental sort stops at the first user with a claimable job
   * instead of ranking every queued job. SKIP LOCKED lets concurrent claimers pass each other. One statement, run
   * as a prepared statement on the driver's pool (no Prisma round trip through its engine on the hot path).
   */
  async claim(options: ClaimOptions): Promise<ClaimedJob | null> {
    const rows = await this.query<JobRow>('deforum_claim', CLAIM_SQL, [
      options.workerId,
      [...options.models],
      this.config.leaseSeconds,
      CLAIM_WINDOW_PER_USER,
    ]);
    const row = rows[0];
    if (row === undefined) return null;
    const job = toJobRecord(row);
    const state = runningState(job);
    return {
      job,
      lease: { jobId: job.id, workerId: state.workerId, attempt: state.attempts, leaseUntil: state.leaseUntil },
    };
  }

  /** Extends the lease by leaseSeconds; `lease_lost` when it is no longer this attempt's. */
  async heartbeat(lease: Lease): Promise<Lease> {
    const rows = await this.query<{ lease_until: Date }>('deforum_heartbeat', HEARTBEAT_SQL, [
      lease.jobId,
      lease.workerId,
      lease.attempt,
      this.config.leaseSeconds,
    ]);
    const row = rows[0];
    if (row === undefined) throw leaseLost(lease);
    return { ...lease, leaseUntil: row.lease_until };
  }

  /**
   * Records a finished frame (already in storage under `storageKey`) and the progress in one statement; the lease
   * is extended too. A frame re-rendered by a later attempt replaces the earlier row.
   */
  async recordFrame(lease: Lease, frame: FrameCheckpoint): Promise<Lease> {
    const rows = await this.query<{ lease_until: Date }>('deforum_record_frame', RECORD_FRAME_SQL, [
      lease.jobId,
      lease.workerId,
      lease.attempt,
      this.config.leaseSeconds,
      frame.frameIndex,
      frame.storageKey,
    ]);
    const row = rows[0];
    if (row === undefined) throw leaseLost(lease);
    return { ...lease, leaseUntil: row.lease_until };
  }

  /** The job succeeded with these stored files (keys made by jobFileKey); `flagged` when a frame was flagged. */
  async complete(lease: Lease, result: JobResult): Promise<JobRecord> {
    const rows = await this.query<JobRow>('deforum_complete', COMPLETE_SQL, [
      lease.jobId,
      lease.workerId,
      lease.attempt,
      result.resultKey,
      result.gifKey ?? null,
      result.fitKey ?? null,
      result.flagged ?? false,
    ]);
    const row = rows[0];
    if (row === undefined) throw leaseLost(lease);
    return toJobRecord(row);
  }

  /**
   * The safety checker flagged a frame: written at once (a rare event), so a job resumed by another worker stays
   * flagged although its frames before the resume are not checked again.
   */
  async flag(lease: Lease): Promise<void> {
    const updated = await this.db.$executeRaw`
      UPDATE jobs SET flagged = true
       WHERE id = ${lease.jobId}::uuid AND worker_id = ${lease.workerId} AND attempt = ${lease.attempt}::int
         AND state = 'running'`;
    if (updated === 0) throw leaseLost(lease);
  }

  /**
   * The attempt failed. Retryable errors go back to the queue with backoff until maxAttempts attempts have
   * failed; others (bad input found at render time) fail the job at once with the reason.
   */
  async fail(lease: Lease, error: JobError, options: { retryable: boolean }): Promise<JobRecord> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<JobRow[]>`
        SELECT * FROM jobs
         WHERE id = ${lease.jobId}::uuid AND worker_id = ${lease.workerId} AND attempt = ${lease.attempt}::int
           AND state = 'running'
           FOR UPDATE`;
      const row = rows[0];
      if (row === undefined) throw leaseLost(lease);
      return failRunning(tx, row, error, options.retryable, this.config);
    }, TRANSACTION_OPTIONS);
  }

  /** A clean stop (SIGTERM after the frame in flight): back to the queue at once; the attempt is not a failure. */
  async release(lease: Lease): Promise<JobRecord> {
    const rows = await this.db.$queryRaw<JobRow[]>`
      UPDATE jobs SET state = 'queued', run_after = now()
       WHERE id = ${lease.jobId}::uuid AND worker_id = ${lease.workerId} AND attempt = ${lease.attempt}::int
         AND state = 'running'
      RETURNING *`;
    const row = rows[0];
    if (row === undefined) throw leaseLost(lease);
    return toJobRecord(row);
  }

  /**
   * The sweep: every running job whose lease has expired counts a failed attempt (`lease_expired`) and goes
   * back to the queue after the backoff, or fails once it reached maxAttempts, so a job that keeps crashing its
   * worker stops blocking the queue. Safe to run from every worker at once (SKIP LOCKED).
   */
  async reclaimExpired(limit = 100): Promise<JobRecord[]> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<JobRow[]>`
        SELECT * FROM jobs WHERE state = 'running' AND lease_until < now()
         ORDER BY lease_until LIMIT ${limit}::int FOR UPDATE SKIP LOCKED`;
      const reclaimed: JobRecord[] = [];
      for (const row of rows) {
        const error = {
          code: 'lease_expired',
          message: `worker ${row.worker_id ?? '?'} stopped renewing its lease during attempt ${row.attempt}`,
        };
        reclaimed.push(await failRunning(tx, row, error, true, this.config));
      }
      return reclaimed;
    }, TRANSACTION_OPTIONS);
  }
}

async function failRunning(
  tx: Tx,
  row: JobRow,
  error: JobError,
  retryable: boolean,
  config: Pick<JobStoreConfig, 'retry'>,
): Promise<JobRecord> {
  const running = runningState(toJobRecord(row));
  const dbNow = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  const now = dbNow[0]?.now ?? new Date();
  const next = failAttempt(running, error, {
    retryable,
    now,
    policy: { ...config.retry, maxAttempts: row.max_attempts },
  });
  const failedAttempts = running.failedAttempts + 1;
  const runAfter = next.status === 'queued' ? next.runAfter : row.run_after;
  const rows = await tx.$queryRaw<JobRow[]>`
    UPDATE jobs SET state = ${next.status}, failed_attempts = ${failedAttempts}::int, run_after = ${runAfter},
                    last_error_code = ${error.code}, last_error_message = ${error.message}
     WHERE id = ${row.id}::uuid RETURNING *`;
  const updated = rows[0];
  if (updated === undefined) throw new Error(`job ${row.id} vanished while locked`);
  return toJobRecord(updated);
}

function runningState(job: JobRecord): RunningState {
  if (job.state.status !== 'running') throw new Error(`job ${job.id} is ${job.state.status}, expected running`);
  return job.state;
}

function leaseLost(lease: Lease): DeforumError {
  return new DeforumError(
    { code: 'lease_lost', jobId: lease.jobId, attempt: lease.attempt },
    `Attempt ${lease.attempt} of job ${lease.jobId} no longer holds the job (its lease expired and another worker ` +
      'took it, or it was cancelled). Stop rendering it; its writes are refused.',
  );
}

/**
 * The job state machine (style.md B6): a discriminated union and pure transitions. The store parses each row into
 * a JobState once and persists what these functions return; the migration's `deforum_job_transition_legal` holds
 * the same table (`JOB_TRANSITIONS`), so a worker that bypasses this module still cannot make an illegal move
 * (test/jobs/job-state-sql.test.ts compares the two).
 *
 *   queued → running → succeeded | failed | cancelled
 *   queued → cancelled                       (cancelled before any worker took it)
 *   running → queued                         (lease expired, retryable failure, or the worker stopped cleanly)
 *   failed | cancelled → queued              (resume: checkpoints are kept)
 */

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobError {
  code: string;
  message: string;
}

export interface QueuedState {
  status: 'queued';
  /** Claims so far. The next claim runs attempt `attempts + 1`. */
  attempts: number;
  /** Attempts that ended in a lease expiry or a retryable failure since the job was (re)submitted. */
  failedAttempts: number;
  /** Not claimable before this time (retry backoff). */
  runAfter: Date;
  lastFrame: number;
}

export interface RunningState {
  status: 'running';
  /** The running attempt: the fencing token every write of its worker carries. */
  attempts: number;
  failedAttempts: number;
  workerId: string;
  leaseUntil: Date;
  /** Frames checkpointed so far (frames 0 … lastFrame − 1 are stored). */
  lastFrame: number;
}

export interface SucceededState {
  status: 'succeeded';
  attempts: number;
  outputKey: string;
}

export interface FailedState {
  status: 'failed';
  attempts: number;
  lastFrame: number;
  error: JobError;
}

export interface CancelledState {
  status: 'cancelled';
  attempts: number;
  lastFrame: number;
}

export type JobState = QueuedState | RunningState | SucceededState | FailedState | CancelledState;

/** Every legal move, as the SQL trigger knows it. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  queued: ['running', 'cancelled'],
  running: ['succeeded', 'failed', 'cancelled', 'queued'],
  succeeded: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

export function isLegalTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

/** Retry policy of lease expiries and retryable failures. The first retry runs at once. */
export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
}

/** Seconds to wait before retry number `failedAttempts` (1-based): 0, base, 2·base, 4·base, … capped. */
export function retryDelaySeconds(failedAttempts: number, policy: RetryPolicy): number {
  if (failedAttempts <= 1) return 0;
  return Math.min(policy.backoffMaxSeconds, policy.backoffBaseSeconds * 2 ** (failedAttempts - 2));
}

export function claimJob(state: QueuedState, workerId: string, leaseUntil: Date): RunningState {
  return {
    status: 'running',
    attempts: state.attempts + 1,
    failedAttempts: state.failedAttempts,
    workerId,
    leaseUntil,
    lastFrame: state.lastFrame,
  };
}

export function completeJob(state: RunningState, outputKey: string): SucceededState {
  return { status: 'succeeded', attempts: state.attempts, outputKey };
}

/** The worker stopped cleanly (SIGTERM): the job goes back at once and the attempt does not count as failed. */
export function releaseJob(state: RunningState, now: Date): QueuedState {
  return {
    status: 'queued',
    attempts: state.attempts,
    failedAttempts: state.failedAttempts,
    runAfter: now,
    lastFrame: state.lastFrame,
  };
}

/**
 * A failed attempt (lease expired, or a retryable error): back to the queue after the backoff, or failed with the
 * reason once `maxAttempts` attempts have failed. A non-retryable error (bad input) fails at once.
 */
export function failAttempt(
  state: RunningState,
  error: JobError,
  options: { retryable: boolean; now: Date; policy: RetryPolicy },
): QueuedState | FailedState {
  const failedAttempts = state.failedAttempts + 1;
  if (!options.retryable || failedAttempts >= options.policy.maxAttempts) {
    return { status: 'failed', attempts: state.attempts, lastFrame: state.lastFrame, error };
  }
  const delayMs = retryDelaySeconds(failedAttempts, options.policy) * 1000;
  return {
    status: 'queued',
    attempts: state.attempts,
    failedAttempts,
    runAfter: new Date(options.now.getTime() + delayMs),
    lastFrame: state.lastFrame,
  };
}

export function cancelJob(state: QueuedState | RunningState): CancelledState {
  return { status: 'cancelled', attempts: state.attempts, lastFrame: state.lastFrame };
}

/** Resume keeps the checkpoints (lastFrame) and gives the job a fresh retry budget. */
export function resumeJob(state: FailedState | CancelledState, now: Date): QueuedState {
  return { status: 'queued', attempts: state.attempts, failedAttempts: 0, runAfter: now, lastFrame: state.lastFrame };
}

export function isCancellable(state: JobState): state is QueuedState | RunningState {
  return state.status === 'queued' || state.status === 'running';
}

export function isResumable(state: JobState): state is FailedState | CancelledState {
  return state.status === 'failed' || state.status === 'cancelled';
}

export function isFinished(state: JobState): state is SucceededState | FailedState | CancelledState {
  return state.status === 'succeeded' || state.status === 'failed' || state.status === 'cancelled';
}

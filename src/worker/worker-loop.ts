/**
 * One render slot of the worker (graphile `worker.ts`): wait for a job (LISTEN/NOTIFY with a polling fallback),
 * claim one this worker has the models for, render it under a kept lease, then complete, fail or give it back;
 * repeat until asked to stop. `--concurrency N` runs N slots over the same connections and model sessions.
 *
 * How an attempt ends:
 * - rendered → `complete` with the stored files' keys and the safety flag;
 * - SIGTERM → the frame in flight is recorded, then `release` (back to queued at once, not a failed attempt);
 * - lease lost (reclaimed after a stall, or cancelled) → drop the job without another write: its writes are fenced;
 * - a DeforumError (bad settings found at render time) → `fail`, not retried, with its code and message;
 * - anything else → `fail` retryable: the store retries with backoff up to the job's maximum.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DeforumError, isDeforumError } from '../core/errors.js';
import type { ClaimOptions, JobLeases } from '../jobs/job-leases.js';
import type { JobWakeups } from '../jobs/job-wakeups.js';
import { keepLease, type LeaseTiming } from './lease.js';
import type { Logger } from './logger.js';
import { renderJob, type RenderJobDeps } from './render-job.js';

export interface WorkerLoopDeps extends RenderJobDeps {
  leases: Pick<JobLeases, 'claim' | 'heartbeat' | 'recordFrame' | 'flag' | 'complete' | 'fail' | 'release'>;
  wakeups: Pick<JobWakeups, 'waitForJob'>;
  log: Logger;
}

export interface WorkerLoopOptions extends LeaseTiming {
  claim: ClaimOptions;
  pollMs: number;
  /** Aborts when the worker should stop: idle waits end at once, a render after its frame in flight. */
  stop: AbortSignal;
}

export async function runWorkerLoop(deps: WorkerLoopDeps, options: WorkerLoopOptions): Promise<void> {
  const { log, metrics } = deps;
  while (!options.stop.aborted) {
    let claimed;
    try {
      claimed = await deps.leases.claim(options.claim);
    } catch (error) {
      log.error({ err: error }, 'claim failed; trying again');
      await abortableSleep(options.pollMs, options.stop);
      continue;
    }
    if (claimed === null) {
      await deps.wakeups.waitForJob({ signal: options.stop, timeoutMs: options.pollMs });
      continue;
    }
    metrics.claims++;
    metrics.running++;
    const jobLog = log.child({ jobId: claimed.job.id });
    jobLog.info({ attempt: claimed.lease.attempt, framesDone: claimed.job.framesDone }, 'claimed');
    const lease = keepLease(deps.leases, claimed.lease, options, jobLog);
    try {
      const outcome = await renderJob(
        { job: claimed.job, lease, stopRequested: () => options.stop.aborted, log: jobLog },
        deps,
      );
      if (outcome.kind === 'stopped') {
        await deps.leases.release(lease.current);
        metrics.released++;
        jobLog.info({ framesDone: outcome.framesDone }, 'stopping: job given back to the queue');
      } else {
        const { kind: _rendered, ...result } = outcome;
        await deps.leases.complete(lease.current, result);
        metrics.completed++;
        jobLog.info({ result: outcome.resultKey }, 'job succeeded');
      }
    } catch (error) {
      await endAttempt(error, lease, deps, jobLog);
    } finally {
      lease.stop();
      metrics.running--;
    }
  }
}

async function endAttempt(
  error: unknown,
  lease: ReturnType<typeof keepLease>,
  deps: WorkerLoopDeps,
  log: Logger,
): Promise<void> {
  if (lease.signal.aborted || isLeaseLost(error)) {
    deps.metrics.failed('lease_lost');
    log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'lease lost; job dropped');
    return;
  }
  const retryable = !isDeforumError(error);
  const jobError = isDeforumError(error)
    ? { code: error.details.code, message: error.message }
    : { code: 'worker_error', message: error instanceof Error ? error.message : String(error) };
  deps.metrics.failed(retryable ? 'retryable' : 'permanent');
  log.error({ err: error, retryable }, 'attempt failed');
  try {
    await deps.leases.fail(lease.current, jobError, { retryable });
  } catch (failError) {
    if (isLeaseLost(failError)) log.warn('lease lost before the failure could be recorded');
    else log.error({ err: failError }, 'recording the failure failed; the lease will expire and be reclaimed');
  }
}

function isLeaseLost(error: unknown): error is DeforumError {
  return isDeforumError(error) && error.details.code === 'lease_lost';
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

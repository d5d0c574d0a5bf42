/**
 * Keeps one claimed job's lease alive (style.md B6, pg-boss `touchJobs`, graphile `abortSignal`): a heartbeat every
 * third of the lease; when the store answers `lease_lost` (the lease expired and the job was reclaimed, or the job
 * was cancelled), or no heartbeat has succeeded for a whole lease (the database is unreachable, so another worker
 * may hold the job by now), `signal` aborts and the render stops.
 */
import { DeforumError, isDeforumError } from '../core/errors.js';
import type { JobLeases, Lease } from '../jobs/job-leases.js';
import type { Logger } from './logger.js';

export interface LeaseKeeper {
  /** The lease as last renewed; every fenced write carries it. */
  readonly current: Lease;
  /** Aborts when the lease is lost; its reason is a `lease_lost` DeforumError. */
  readonly signal: AbortSignal;
  /** A fenced write renewed the lease too (recordFrame extends it). */
  renewed(lease: Lease): void;
  stop(): void;
}

export interface LeaseTiming {
  leaseMs: number;
  heartbeatMs: number;
}

export function keepLease(
  leases: Pick<JobLeases, 'heartbeat'>,
  lease: Lease,
  timing: LeaseTiming,
  log: Logger,
): LeaseKeeper {
  const abort = new AbortController();
  let current = lease;
  let renewedAt = Date.now();
  let inFlight = false;
  const lose = (reason: DeforumError): void => {
    if (abort.signal.aborted) return;
    log.warn({ attempt: current.attempt, reason: reason.message }, 'lease lost; dropping the job');
    abort.abort(reason);
    clearInterval(timer);
  };
  const beat = async (): Promise<void> => {
    if (inFlight || abort.signal.aborted) return;
    inFlight = true;
    try {
      current = await leases.heartbeat(current);
      renewedAt = Date.now();
    } catch (error) {
      if (isDeforumError(error) && error.details.code === 'lease_lost') {
        lose(error);
      } else if (Date.now() - renewedAt >= timing.leaseMs) {
        lose(staleLease(current, error));
      } else {
        log.warn({ err: error }, 'heartbeat failed; retrying');
      }
    } finally {
      inFlight = false;
    }
  };
  const timer = setInterval(() => void beat(), timing.heartbeatMs);
  return {
    get current() {
      return current;
    },
    signal: abort.signal,
    renewed(next) {
      current = next;
      renewedAt = Date.now();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

function staleLease(lease: Lease, cause: unknown): DeforumError {
  return new DeforumError(
    { code: 'lease_lost', jobId: lease.jobId, attempt: lease.attempt },
    `No heartbeat of attempt ${lease.attempt} of job ${lease.jobId} succeeded for a whole lease; another worker ` +
      'may hold the job by now, so this one stops rendering it.',
    { cause },
  );
}

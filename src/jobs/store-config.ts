/**
 * Timing and limits of the job store, with the defaults (30 s lease, heartbeat every third of it, first
 * retry at once). Tests shrink them to run in seconds; composition roots build them from their config.
 */
import type { RetryPolicy } from './job-state.js';

/** Caps and quota of a server, or of jobs submitted without one (CLI operators). */
export interface QuotaLimits {
  maxWidth: number;
  maxHeight: number;
  maxSteps: number;
  maxFrames: number;
  /** Render units per user per period (render-cost.ts). */
  unitsPerPeriod: number;
  periodSeconds: number;
  /** Queued plus running jobs a user may have at once. */
  maxActiveJobs: number;
}

export interface JobStoreConfig {
  leaseSeconds: number;
  retry: RetryPolicy;
  /** Limits for a server seen for the first time; an admin changes them per server. */
  serverDefaults: QuotaLimits;
  /** Limits of jobs without a server (submitted with `deforum submit`). */
  operatorLimits: QuotaLimits;
}

export const DEFAULT_JOB_STORE_CONFIG: JobStoreConfig = {
  leaseSeconds: 30,
  retry: { maxAttempts: 5, backoffBaseSeconds: 10, backoffMaxSeconds: 600 },
  serverDefaults: {
    maxWidth: 1024,
    maxHeight: 1024,
    maxSteps: 80,
    maxFrames: 600,
    unitsPerPeriod: 20_000,
    periodSeconds: 86_400,
    maxActiveJobs: 3,
  },
  operatorLimits: {
    maxWidth: 4096,
    maxHeight: 4096,
    maxSteps: 500,
    maxFrames: 100_000,
    unitsPerPeriod: 2_000_000_000,
    periodSeconds: 86_400,
    maxActiveJobs: 10_000,
  },
};

/** How often a worker heartbeats: a third of the lease, so two heartbeats can be lost before it expires. */
export function heartbeatMs(config: Pick<JobStoreConfig, 'leaseSeconds'>): number {
  return (config.leaseSeconds * 1000) / 3;
}

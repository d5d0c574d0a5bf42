/**
 * Deletes the frames and checkpoints of jobs that succeeded more than `retentionDays` ago, on a node-cron schedule;
 * the video (the result) stays. Jobs that failed or were cancelled keep theirs, so `resume` can still continue
 * them. Every worker may run it: deleting what is already gone is a no-op.
 */
import cron from 'node-cron';
import type { JobStore } from '../jobs/job-store.js';
import type { Logger } from './logger.js';
import type { Storage } from '../storage/storage.js';

/** Jobs looked at per sweep: the newest succeeded jobs, so a sweep stays cheap on a large table. */
const SWEEP_LIMIT = 1000;

export async function sweepRetention(
  deps: { jobs: Pick<JobStore, 'listJobs'>; storage: Storage },
  options: { retentionDays: number; now?: Date },
): Promise<string[]> {
  const cutoff = (options.now ?? new Date()).getTime() - options.retentionDays * 86_400_000;
  const done = await deps.jobs.listJobs({ states: ['succeeded'], limit: SWEEP_LIMIT });
  const expired = done.filter((job) => job.finishedAt !== null && job.finishedAt.getTime() <= cutoff);
  for (const job of expired) {
    await deps.storage.deleteJobFolder(job.id, 'frames');
    await deps.storage.deleteJobFolder(job.id, 'checkpoints');
  }
  return expired.map((job) => job.id);
}

export function scheduleRetention(
  expression: string,
  deps: { jobs: Pick<JobStore, 'listJobs'>; storage: Storage; log: Logger },
  options: { retentionDays: number },
): { stop(): void } {
  const task = cron.schedule(expression, async () => {
    try {
      const deleted = await sweepRetention(deps, options);
      if (deleted.length > 0) deps.log.info({ jobs: deleted.length }, 'retention: deleted old frames and checkpoints');
    } catch (error) {
      deps.log.error({ err: error }, 'retention sweep failed');
    }
  });
  return {
    stop() {
      void task.stop();
    },
  };
}

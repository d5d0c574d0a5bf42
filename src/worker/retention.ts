/**
 * Deletes the frames and checkpoints of jobs that succeeded more than `retentionDays` ago, on a node-cron schedule;
 * the video (the result) stays, and the jobs' frame rows go with their files. Jobs that failed or were cancelled
 * keep theirs, so `resume` can still continue them. Every worker may run it: deleting what is already gone is a
 * no-op.
 */
import cron from 'node-cron';
import type { JobStore } from '../jobs/job-store.js';
import type { Logger } from './logger.js';
import type { Storage } from '../storage/storage.js';

/** Jobs per query: a sweep after a long pause walks its backlog in bounded batches, oldest first. */
const SWEEP_BATCH = 100;

type RetentionJobs = Pick<JobStore, 'listJobsWithOldFrames' | 'forgetFrames'>;

export async function sweepRetention(
  deps: { jobs: RetentionJobs; storage: Storage },
  options: { retentionDays: number; now?: Date },
): Promise<string[]> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * 86_400_000);
  const swept: string[] = [];
  for (;;) {
    const batch = await deps.jobs.listJobsWithOldFrames(cutoff, SWEEP_BATCH);
    for (const jobId of batch) {
      await deps.storage.deleteJobFolder(jobId, 'frames');
      await deps.storage.deleteJobFolder(jobId, 'checkpoints');
      // After the files: a sweep that dies in between finds the job again next time.
      await deps.jobs.forgetFrames(jobId);
      swept.push(jobId);
    }
    if (batch.length < SWEEP_BATCH) return swept;
  }
}

export function scheduleRetention(
  expression: string,
  deps: { jobs: RetentionJobs; storage: Storage; log: Logger },
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

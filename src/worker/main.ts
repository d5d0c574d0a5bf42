/**
 * The worker's composition root (style.md B1): config → database, storage, wake-ups, model sessions → N render
 * slots, the reclaim sweep, the retention schedule and the health/metrics port → graceful shutdown. SIGTERM (or
 * SIGINT) lets every slot record its frame in flight and give its job back, then closes everything; the process
 * exits 0.
 */
import { isDeforumError } from '../core/errors.js';
import { openJobDatabase } from '../jobs/database.js';
import { JobLeases } from '../jobs/job-leases.js';
import { JobStore } from '../jobs/job-store.js';
import { JobWakeups } from '../jobs/job-wakeups.js';
import { DEFAULT_JOB_STORE_CONFIG, type JobStoreConfig } from '../jobs/store-config.js';
import { startHealthServer } from './health-server.js';
import { createWorkerLogger } from './logger.js';
import { WorkerMetrics } from './metrics.js';
import { ModelSessions } from './model-sessions.js';
import { scheduleRetention } from './retention.js';
import { openStorage } from '../storage/storage.js';
import type { WorkerConfig } from './worker-config.js';
import { abortableSleep, runWorkerLoop } from './worker-loop.js';

/** Runs the worker until `stop` aborts (the CLI aborts it on SIGTERM/SIGINT). */
export async function runWorker(config: WorkerConfig, stop: AbortSignal): Promise<void> {
  const log = createWorkerLogger(config.workerId, config.logLevel);
  const storeConfig: JobStoreConfig = { ...DEFAULT_JOB_STORE_CONFIG, leaseSeconds: config.leaseMs / 1000 };
  const db = openJobDatabase(config.databaseUrl, { poolSize: config.concurrency + 3 });
  const jobs = new JobStore(db, storeConfig);
  const leases = new JobLeases(db, storeConfig);
  const storage = openStorage(config.storageUrl, process.env);
  const metrics = new WorkerMetrics();
  const sessions = new ModelSessions(config.modelsDir, config.device, (message) => log.warn(message));
  const wakeups = await JobWakeups.listen(config.databaseUrl);
  const retention = scheduleRetention(config.retentionCron, { jobs, storage, log }, config);
  const health = await startHealthServer(config.port, {
    health: () => ({
      ok: !stop.aborted,
      body: { workerId: config.workerId, stopping: stop.aborted, running: metrics.running },
    }),
    metrics: async () => {
      const depth = await jobs.queueDepth().catch(() => null);
      return metrics.render({ workerId: config.workerId }, depth);
    },
  });
  log.info(
    { port: health.port, concurrency: config.concurrency, models: config.models, leaseMs: config.leaseMs },
    'worker started',
  );
  try {
    const loopDeps = { leases, jobs, storage, sessions, metrics, wakeups, log };
    const loopOptions = {
      claim: { workerId: config.workerId, models: config.models },
      pollMs: config.pollMs,
      leaseMs: config.leaseMs,
      heartbeatMs: config.heartbeatMs,
      stop,
    };
    await Promise.all([
      ...Array.from({ length: config.concurrency }, (_, slot) =>
        runWorkerLoop({ ...loopDeps, log: log.child({ slot }) }, loopOptions),
      ),
      sweepExpiredLeases(leases, config.reclaimMs, stop, log),
    ]);
  } finally {
    retention.stop();
    await health.close();
    await wakeups.close();
    await sessions.close();
    await db.$disconnect();
    log.info('worker stopped');
    log.flush();
  }
}

/** Every worker sweeps expired leases now and then (SKIP LOCKED makes concurrent sweeps safe). */
async function sweepExpiredLeases(
  leases: JobLeases,
  everyMs: number,
  stop: AbortSignal,
  log: ReturnType<typeof createWorkerLogger>,
): Promise<void> {
  while (!stop.aborted) {
    try {
      for (const job of await leases.reclaimExpired()) {
        log.warn({ jobId: job.id, state: job.state.status }, 'reclaimed an expired lease');
      }
    } catch (error) {
      log.error({ err: error, deforum: isDeforumError(error) }, 'reclaim sweep failed');
    }
    await abortableSleep(everyMs, stop);
  }
}

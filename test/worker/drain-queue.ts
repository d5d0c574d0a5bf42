/**
 * The worker loop in this process with real stores, storage and models, run until the queue has nothing left to
 * claim (its wake-up wait stops the loop instead of sleeping), for tests of what a job leaves behind.
 */
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import type { JobDatabase } from '../../src/jobs/database.js';
import { JobLeases } from '../../src/jobs/job-leases.js';
import { JobStore, newJobId, type EnqueueRequest } from '../../src/jobs/job-store.js';
import { jobFileKey, type Storage } from '../../src/storage/storage.js';
import { WorkerMetrics } from '../../src/worker/metrics.js';
import { ModelSessions } from '../../src/worker/model-sessions.js';
import { runWorkerLoop } from '../../src/worker/worker-loop.js';
import { testConfig } from '../jobs/fixtures.js';

export const TINY_MODEL = 'tiny';

/** For tests that render and encode whole jobs on a shared two-core machine. */
export const RENDER_TIMEOUT_MS = 120_000;

/** Runs every claimable job; resolves with what the worker logged (pino JSON lines). */
export async function drainQueue(db: JobDatabase, storage: Storage, modelsDir: string | null): Promise<string> {
  const config = testConfig();
  let logged = '';
  const log = pino({ level: 'info' }, { write: (line: string) => (logged += line) });
  const sessions = new ModelSessions(modelsDir, 'cpu', (message) => log.warn(message));
  const stop = new AbortController();
  try {
    await runWorkerLoop(
      {
        leases: new JobLeases(db, config),
        jobs: new JobStore(db, config),
        storage,
        sessions,
        metrics: new WorkerMetrics(),
        log,
        wakeups: {
          waitForJob: () => {
            stop.abort();
            return Promise.resolve('aborted');
          },
        },
      },
      {
        claim: { workerId: 'test-worker', models: modelsDir === null ? [] : [TINY_MODEL] },
        pollMs: 10,
        stop: stop.signal,
        leaseMs: 60_000,
        heartbeatMs: 10_000,
      },
    );
  } finally {
    await sessions.close();
  }
  return logged;
}

export interface UploadedFile {
  kind: 'init' | 'mask' | 'video';
  file: string;
  extension: string;
  contentType: string;
}

/** Enqueues a job with its files stored first, as the bot does; returns its id. */
export async function submitJob(
  db: JobDatabase,
  storage: Storage,
  request: Omit<EnqueueRequest, 'id' | 'userId' | 'model' | 'attachments'>,
  uploads: readonly UploadedFile[] = [],
): Promise<string> {
  const id = newJobId();
  const attachments = [];
  for (const upload of uploads) {
    const bytes = await readFile(upload.file);
    const storageKey = jobFileKey(id, upload.kind, upload.extension);
    await storage.put(storageKey, bytes);
    attachments.push({ kind: upload.kind, storageKey, sizeBytes: bytes.byteLength, contentType: upload.contentType });
  }
  await new JobStore(db, testConfig()).enqueue({ ...request, id, userId: 'tester', model: TINY_MODEL, attachments });
  return id;
}

/**
 * The worker's configuration: the environment parsed once with zod (style.md B1: only the composition root reads
 * it), then the `deforum worker` flags on top. Every duration is configurable so the reliability tests run a
 * fleet with a 1.5 s lease in seconds; the defaults are the issue's (30 s lease, heartbeat every third of it).
 */
import os from 'node:os';
import cron from 'node-cron';
import { z } from 'zod';
import { DeforumError } from '../core/errors.js';
import { DEVICE_NAMES } from '../core/diffusion/onnx/providers.js';
import { DEFAULT_DATABASE_URL } from '../jobs/database.js';

const positiveMs = z.coerce.number().int().positive();

/** The model a worker advertises when DEFORUM_MODEL_NAME is unset; the bot offers it by default too. */
export const DEFAULT_MODEL_NAME = 'sd-1.5-onnx';

const envSchema = z.object({
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  /**
   * Where jobs' files live: `file:///srv/deforum` (or a plain path) for a directory, `s3://bucket/prefix` for an
   * S3-compatible store (endpoint, region and credentials from the standard AWS_* variables). Default ./storage.
   */
  DEFORUM_STORAGE_URL: z.string().min(1).optional(),
  /** The older name of a local DEFORUM_STORAGE_URL, still read when that is unset. */
  DEFORUM_STORAGE_DIR: z.string().min(1).optional(),
  /** Without it the worker serves preview jobs only. */
  DEFORUM_MODELS_DIR: z.string().min(1).optional(),
  /** The model name this worker advertises for its models folder (jobs name the model they need). */
  DEFORUM_MODEL_NAME: z.string().min(1).default(DEFAULT_MODEL_NAME),
  DEFORUM_DEVICE: z.enum(DEVICE_NAMES).default('cpu'),
  DEFORUM_WORKER_ID: z.string().min(1).max(200).optional(),
  DEFORUM_LEASE_MS: positiveMs.default(30_000),
  /** Default: a third of the lease. */
  DEFORUM_HEARTBEAT_MS: positiveMs.optional(),
  /** How long an idle worker waits for a NOTIFY before it polls anyway (delayed retries send none). */
  DEFORUM_POLL_MS: positiveMs.default(5_000),
  /** How often this worker sweeps expired leases. Default: the lease. */
  DEFORUM_RECLAIM_MS: positiveMs.optional(),
  DEFORUM_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** node-cron expression of the retention sweep. */
  DEFORUM_RETENTION_CRON: z
    .string()
    .refine((expression) => cron.validate(expression), 'not a cron expression (e.g. 17 3 * * *)')
    .default('17 3 * * *'),
  /** Frames and checkpoints of jobs that succeeded this many days ago are deleted (the video stays). */
  DEFORUM_RETENTION_DAYS: z.coerce.number().nonnegative().default(7),
  /** The /health and /metrics port; 0 picks a free one (logged). */
  DEFORUM_WORKER_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface WorkerConfig {
  databaseUrl: string;
  /** A DEFORUM_STORAGE_URL: what openStorage (storage.ts) takes. */
  storageUrl: string;
  modelsDir: string | null;
  /** What the worker claims: its models' names (none without a models folder: preview jobs only). */
  models: readonly string[];
  device: (typeof DEVICE_NAMES)[number];
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  reclaimMs: number;
  concurrency: number;
  retentionCron: string;
  retentionDays: number;
  port: number;
  logLevel: z.output<typeof envSchema>['LOG_LEVEL'];
}

/** The flags of `deforum worker`, which win over the environment. */
export interface WorkerFlags {
  concurrency?: number;
  models?: string;
  port?: number;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv, flags: WorkerFlags = {}): WorkerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new DeforumError(
      {
        code: 'usage',
        argument: parsed.error.issues.map((issue) => issue.path.join('.')).join(', '),
        reason: issues.join('; '),
      },
      `The worker's environment is invalid: ${issues.join('; ')}. Fix these variables and start the worker again.`,
    );
  }
  const e = parsed.data;
  const modelsDir = flags.models ?? e.DEFORUM_MODELS_DIR ?? null;
  const leaseMs = e.DEFORUM_LEASE_MS;
  return {
    databaseUrl: e.DATABASE_URL,
    storageUrl: e.DEFORUM_STORAGE_URL ?? e.DEFORUM_STORAGE_DIR ?? 'storage',
    modelsDir,
    models: modelsDir === null ? [] : [e.DEFORUM_MODEL_NAME],
    device: e.DEFORUM_DEVICE,
    workerId: e.DEFORUM_WORKER_ID ?? `${os.hostname()}-${process.pid}`,
    leaseMs,
    heartbeatMs: e.DEFORUM_HEARTBEAT_MS ?? Math.max(1, Math.floor(leaseMs / 3)),
    pollMs: e.DEFORUM_POLL_MS,
    reclaimMs: e.DEFORUM_RECLAIM_MS ?? leaseMs,
    concurrency: flags.concurrency ?? e.DEFORUM_CONCURRENCY,
    retentionCron: e.DEFORUM_RETENTION_CRON,
    retentionDays: e.DEFORUM_RETENTION_DAYS,
    port: flags.port ?? e.DEFORUM_WORKER_PORT,
    logLevel: e.LOG_LEVEL,
  };
}

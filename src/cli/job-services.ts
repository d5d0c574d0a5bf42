/**
 * The job-store side of the CLI's composition root: DATABASE_URL (default: the machine's Postgres) and the storage
 * the workers read are taken from the environment here, once, and the connections closed after the command.
 * Storage is named as the worker names it (worker-config.ts), so a file `deforum submit` stores is where a worker
 * looks: DEFORUM_STORAGE_URL (`file:///srv/deforum` or a plain path, or `s3://bucket/prefix` with the standard
 * AWS_* variables), else the older DEFORUM_STORAGE_DIR, else ./storage.
 */
import { DeforumError } from '../core/errors.js';
import { DEFAULT_DATABASE_URL, openJobDatabase } from '../jobs/database.js';
import { JobStore } from '../jobs/job-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../jobs/store-config.js';
import { openStorage, S3Storage, type Storage } from '../storage/storage.js';

export interface JobServices {
  jobs: JobStore;
  storage: Storage;
}

export async function withJobServices<T>(
  run: (services: JobServices) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const storage = storageFrom(env);
  const db = openJobDatabase(env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL, { poolSize: 2 });
  try {
    return await run({ jobs: new JobStore(db, DEFAULT_JOB_STORE_CONFIG), storage });
  } finally {
    // The S3 client keeps sockets open; the command is over.
    if (storage instanceof S3Storage) storage.close();
    await db.$disconnect();
  }
}

function storageFrom(env: NodeJS.ProcessEnv): Storage {
  const variable = env['DEFORUM_STORAGE_URL'] !== undefined ? 'DEFORUM_STORAGE_URL' : 'DEFORUM_STORAGE_DIR';
  const location = env['DEFORUM_STORAGE_URL'] ?? env['DEFORUM_STORAGE_DIR'] ?? 'storage';
  try {
    return openStorage(location, env);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DeforumError(
      { code: 'usage', argument: variable, reason },
      `${variable} = ${location} is not a storage location (${reason}). Set it to a directory, ` +
        'file:///path or s3://bucket/prefix, as the workers have it.',
      { cause: error },
    );
  }
}

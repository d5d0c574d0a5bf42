/**
 * The job-store side of the CLI's composition root: DATABASE_URL (default: the machine's Postgres) and
 * DEFORUM_STORAGE_DIR (default ./storage) are read here, once, and the connections closed after the command.
 */
import { DEFAULT_DATABASE_URL, openJobDatabase } from '../jobs/database.js';
import { JobStore } from '../jobs/job-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../jobs/store-config.js';
import { LocalStorage, type Storage } from '../storage/storage.js';

export interface JobServices {
  jobs: JobStore;
  storage: Storage;
}

export async function withJobServices<T>(run: (services: JobServices) => Promise<T>): Promise<T> {
  const db = openJobDatabase(process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL, { poolSize: 2 });
  try {
    const storage = new LocalStorage(process.env['DEFORUM_STORAGE_DIR'] ?? 'storage');
    return await run({ jobs: new JobStore(db, DEFAULT_JOB_STORE_CONFIG), storage });
  } finally {
    await db.$disconnect();
  }
}

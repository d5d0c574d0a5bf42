/**
 * Opens the fleet's database: a Prisma client over the `@prisma/adapter-pg` driver adapter. Only the store
 * modules of src/jobs use the client (style.md B1); composition roots open it with their DATABASE_URL.
 *
 * The adapter runs on a `pg` pool that this module makes and remembers, so the few hot statements of the worker
 * loop (the claim, heartbeat, completion: job-leases.ts) can run on the same connections as named prepared
 * statements, without Prisma's per-query overhead. Everything else goes through Prisma.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

export type JobDatabase = PrismaClient;

/** The machine's documented server; DATABASE_URL overrides it. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';

const pools = new WeakMap<JobDatabase, pg.Pool>();

export function openJobDatabase(url: string, options: { poolSize?: number } = {}): JobDatabase {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle connection the server drops (restart, admin termination) emits 'error' on the pool, which would
  // otherwise crash the process; pg has already discarded that client and the next query opens a new one, so a
  // real outage still surfaces as a failed query where the caller can act on it.
  pool.on('error', () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The `pg` pool under a client made by openJobDatabase, while it is open; undefined for any other client (then
 * callers use Prisma's raw queries with the same SQL).
 */
export function driverPool(db: JobDatabase): pg.Pool | undefined {
  const pool = pools.get(db);
  return pool === undefined || pool.ending || pool.ended ? undefined : pool;
}

/** Interactive transactions wait for a pooled connection under load (200 racing submits) instead of failing. */
export const TRANSACTION_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

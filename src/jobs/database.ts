/**
 * Opens the fleet's database: a Prisma client over the `@prisma/adapter-pg` driver adapter. Only the store
 * modules of src/jobs use the client (style.md B1); composition roots open it with their DATABASE_URL.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export type JobDatabase = PrismaClient;

/** The machine's documented server; DATABASE_URL overrides it. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';

export function openJobDatabase(url: string, options: { poolSize?: number } = {}): JobDatabase {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 }) });
}

/** Interactive transactions wait for a pooled connection under load (200 racing submits) instead of failing. */
export const TRANSACTION_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

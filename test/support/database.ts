/**
 * A fresh database per test file on the Postgres named by DATABASE_URL (default: the machine's server), with
 * every prisma/migrations/<folder>/migration.sql applied in order, exactly what `prisma migrate deploy` runs in production
 * (style.md B6). Dropped after the file's tests; kept when a test failed, and its name printed to inspect it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { DEFAULT_DATABASE_URL, openJobDatabase, type JobDatabase } from '../../src/jobs/database.js';
import { REPO_ROOT } from './shared-dirs.js';

export interface TestDatabase {
  name: string;
  url: string;
  prisma: JobDatabase;
  /** A plain pg query on the test database (for asserting rows and provoking illegal writes). */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Closes the connections (the database stays). */
  close(): Promise<void>;
}

export const SERVER_URL = process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL;

export function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function migrationFiles(): Promise<string[]> {
  const folder = path.join(REPO_ROOT, 'prisma/migrations');
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => path.join(folder, name, 'migration.sql'));
}

/** Creates and migrates a new database; `label` goes into its name to find it when kept. */
export async function createTestDatabase(label: string, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `deforum_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // DROP DATABASE … WITH (FORCE) terminates connections that are still closing; pg discards them.
  pool.on('error', () => undefined);
  for (const file of await migrationFiles()) await pool.query(await readFile(file, 'utf8'));
  const prisma = openJobDatabase(url, { poolSize: options.poolSize ?? 20 });
  return {
    name,
    url,
    prisma,
    async query<Row extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      return (await pool.query<Row>(text, values)).rows;
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export async function dropTestDatabase(db: TestDatabase): Promise<void> {
  await db.close();
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`));
}

/**
 * Registers the hooks of one test file: `get()` returns its database inside tests. Kept after a failure.
 */
export function useTestDatabase(label: string, options: { poolSize?: number } = {}): () => TestDatabase {
  let db: TestDatabase | undefined;
  let failed = false;
  beforeAll(async () => {
    db = await createTestDatabase(label, options);
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    if (db === undefined) return;
    if (failed) {
      await db.close();
      process.stderr.write(`test database kept for inspection: ${db.name} (${db.url})\n`);
      return;
    }
    await dropTestDatabase(db);
  });
  return () => {
    if (db === undefined) throw new Error('the test database is created in beforeAll');
    return db;
  };
}

async function withAdmin<T>(run: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

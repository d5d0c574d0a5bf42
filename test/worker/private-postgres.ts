/**
 * A private Postgres cluster for tests that restart the server (never the machine's shared one): initdb into a
 * temporary folder and pg_ctl on a spare loopback port, run as the `postgres` user (initdb refuses root).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrationFiles } from '../support/database.js';

const run = promisify(execFile);
const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

/** The folder holding initdb and pg_ctl, or null (the test then skips and says why). */
export function postgresBinDir(): string | null {
  return BIN_DIRS.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) ?? null;
}

export interface PrivateCluster {
  port: number;
  /** The migrated `deforum` database. */
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()));
    });
  });
}

export async function startPrivateCluster(binDir: string): Promise<PrivateCluster> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'deforum-pg-'));
  await chmod(root, 0o755);
  const data = path.join(root, 'data');
  const log = path.join(root, 'server.log');
  const port = await sparePort();
  const { uid, gid } = await idsOf('postgres');
  await chown(root, uid, gid);
  const asPostgres = (tool: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', path.join(binDir, tool), ...args], { timeout: 60_000 });
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const pgCtl = (action: string, extra: string[] = []) =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      log,
      '-w',
      '-o',
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
      ...extra,
      action,
    ]);
  await pgCtl('start');
  const serverUrl = `postgresql://postgres@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE deforum');
  await admin.end();
  const url = `${serverUrl}/deforum`;
  const migrate = new pg.Client({ connectionString: url });
  await migrate.connect();
  for (const file of await migrationFiles()) await migrate.query(await readFile(file, 'utf8'));
  await migrate.end();
  return {
    port,
    url,
    restart: async () => void (await pgCtl('restart', ['-m', 'fast'])),
    stop: async () => {
      await pgCtl('stop', ['-m', 'immediate']).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * `deforum submit` finds storage as the workers do (DEFORUM_STORAGE_URL): an init file submitted with an s3:// URL
 * lands in the S3-compatible store (s3rver, a real S3 server in this process) under the key the worker reads.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JobStore } from '../../src/jobs/job-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../../src/jobs/store-config.js';
import { jobFileKey, openStorage, S3Storage } from '../../src/storage/storage.js';
import { loadWorkerConfig } from '../../src/worker/worker-config.js';
import { useTestDatabase } from '../support/database.js';
import { STACK_TRACE, type CliRun } from '../support/run-cli.js';
import { startS3Server, type TestS3Server } from '../support/s3-server.js';
import { REPO_ROOT } from '../support/shared-dirs.js';

const db = useTestDatabase('cli_job_services');
const INIT = path.join(REPO_ROOT, 'assets/demo-init.png');
let scratch: string;
let s3: TestS3Server;
let s3Env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'deforum-cli-storage-'));
  s3 = await startS3Server(scratch);
  s3Env = { DEFORUM_STORAGE_URL: 's3://deforum/fleet', ...s3.env };
});

afterAll(async () => {
  await s3?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The real bin script in a child process; asynchronous, so s3rver in this process can answer it. */
function deforum(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/deforum.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DEFORUM_STORAGE_DIR: undefined, DATABASE_URL: db().url, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('deforum submit with DEFORUM_STORAGE_URL', () => {
  test('an init file submitted under an s3:// URL is stored where a worker with that URL reads it', async () => {
    const submit = await deforum(['submit', 'presets/slow-zoom-2d.json', '--init', INIT, '--user', 'op'], s3Env);
    expect(submit.stderr).not.toMatch(STACK_TRACE);
    expect(submit.status).toBe(0);
    const id = submit.stdout.trim();

    const [attachment] = await new JobStore(db().prisma, DEFAULT_JOB_STORE_CONFIG).listAttachments(id);
    expect(attachment).toMatchObject({ kind: 'init', storageKey: jobFileKey(id, 'init', 'png') });
    const workerStorage = openStorage(loadWorkerConfig(s3Env).storageUrl, s3Env);
    try {
      const stored = await workerStorage.get(attachment?.storageKey ?? '');
      expect(stored.equals(await readFile(INIT))).toBe(true);
      // Under the URL's prefix in the bucket, not in a local folder named after it.
      expect(workerStorage).toBeInstanceOf(S3Storage);
      expect(await workerStorage.list(`jobs/${id}/`)).toEqual([jobFileKey(id, 'init', 'png')]);
    } finally {
      (workerStorage as S3Storage).close();
    }
  });

  test('a storage URL that names no store is refused with the variable and the fix, before anything is queued', async () => {
    const before = await db().query('SELECT id FROM jobs');
    const bad = await deforum(['submit', 'presets/slow-zoom-2d.json', '--preview'], {
      DEFORUM_STORAGE_URL: 'ftp://files.example/deforum',
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('DEFORUM_STORAGE_URL');
    expect(bad.stderr).toContain('s3://bucket/prefix');
    expect(bad.stderr).not.toMatch(STACK_TRACE);
    expect(await db().query('SELECT id FROM jobs')).toEqual(before);
  });
});

/**
 * The storage contract (issue 7 point 6), one test body run against each backend: a local directory and an
 * S3-compatible store (s3rver, a real S3 server in this process on a random loopback port), both opened from a
 * DEFORUM_STORAGE_URL as the worker opens them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJobId } from '../../src/jobs/job-store.js';
import {
  checkpointKey,
  frameKey,
  jobFileKey,
  jobPrefix,
  LocalStorage,
  openStorage,
  S3Storage,
  type Storage,
} from '../../src/storage/storage.js';
import { startS3Server, type TestS3Server } from '../support/s3-server.js';

let scratch: string;
let s3: TestS3Server;
const backends: Record<string, Storage> = {};

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'deforum-storage-'));
  s3 = await startS3Server(scratch);
  backends['local'] = openStorage(pathToFileURL(path.join(scratch, 'local')).href);
  backends['s3'] = openStorage('s3://deforum/fleet/a', s3.env);
});

afterAll(async () => {
  (backends['s3'] as S3Storage | undefined)?.close();
  await s3?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('openStorage', () => {
  it('picks the backend from the URL', () => {
    expect(backends['local']).toBeInstanceOf(LocalStorage);
    expect(openStorage('relative/dir')).toBeInstanceOf(LocalStorage);
    const bucket = openStorage('s3://bucket/some/prefix');
    expect(bucket).toBeInstanceOf(S3Storage);
    expect((bucket as S3Storage).prefix).toBe('some/prefix/');
    expect(() => openStorage('ftp://host/dir')).toThrow(/neither file/);
  });
});

describe.each(['local', 's3'])('%s storage', (name) => {
  const storage = (): Storage => {
    const backend = backends[name];
    if (backend === undefined) throw new Error(`no ${name} backend`);
    return backend;
  };

  it('puts, gets, overwrites and deletes by key', async () => {
    const id = newJobId();
    const key = jobFileKey(id, 'init', 'png');
    await expect(storage().get(key)).rejects.toThrow();
    await storage().put(key, new Uint8Array([1, 2, 3]));
    expect(await storage().get(key)).toEqual(Buffer.from([1, 2, 3]));
    const large = Buffer.alloc(3 << 20, 7);
    await storage().put(key, large);
    expect((await storage().get(key)).equals(large)).toBe(true);
    await storage().delete(key);
    await storage().delete(key);
    await expect(storage().get(key)).rejects.toThrow();
  });

  it('lists by job prefix and deletes a folder or a whole job, leaving other jobs alone', async () => {
    const [a, b] = [newJobId(), newJobId()];
    const keys = [
      jobFileKey(a, 'init', 'png'),
      frameKey(a, 0, 1),
      frameKey(a, 1, 2),
      checkpointKey(a, 0, 1),
      checkpointKey(a, 1, 2),
      frameKey(b, 0, 1),
    ];
    for (const key of keys) await storage().put(key, Buffer.from(key));
    expect(await storage().list(jobPrefix(a))).toEqual(keys.slice(0, 5).sort());
    expect(await storage().list(jobPrefix(a, 'frames'))).toEqual([frameKey(a, 0, 1), frameKey(a, 1, 2)]);
    await storage().deleteJobFolder(a, 'checkpoints');
    expect(await storage().list(jobPrefix(a))).toEqual(
      [jobFileKey(a, 'init', 'png'), frameKey(a, 0, 1), frameKey(a, 1, 2)].sort(),
    );
    await storage().deleteJob(a);
    expect(await storage().list(jobPrefix(a))).toEqual([]);
    expect(await storage().list(jobPrefix(b))).toEqual([frameKey(b, 0, 1)]);
    expect((await storage().get(frameKey(b, 0, 1))).toString()).toBe(frameKey(b, 0, 1));
  });

  it('lists and deletes a job with many keys', async () => {
    const id = newJobId();
    const keys = Array.from({ length: 120 }, (_, frame) => frameKey(id, frame, 1));
    for (let start = 0; start < keys.length; start += 8) {
      await Promise.all(keys.slice(start, start + 8).map((key) => storage().put(key, new Uint8Array([1]))));
    }
    expect(await storage().list(jobPrefix(id, 'frames'))).toEqual(keys);
    await storage().deleteJob(id);
    expect(await storage().list(jobPrefix(id))).toEqual([]);
  }, 60_000);

  it('refuses keys and prefixes that were not made from a job id', async () => {
    await expect(storage().put('../etc/passwd', new Uint8Array([1]))).rejects.toThrow(RangeError);
    await expect(storage().get('jobs/x/init.png')).rejects.toThrow(RangeError);
    await expect(storage().list('jobs/')).rejects.toThrow(RangeError);
    await expect(storage().list('')).rejects.toThrow(RangeError);
  });
});

/**
 * Where a job's files live (init image, frames, checkpoints, the video): one small interface so the local
 * directory (one machine or a shared volume) and, later, an S3-compatible store are interchangeable. Keys are
 * made here from job ids only (`jobs/<uuid>/...`), never from user text, so no user input can name a path.
 */
import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';

export interface Storage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
  /** Deletes every key under `jobs/<jobId>/`. */
  deleteJob(jobId: string): Promise<void>;
  /** Deletes a job's checkpointed frames or checkpoints (`jobs/<jobId>/frames/`, `.../checkpoints/`): retention. */
  deleteJobFolder(jobId: string, folder: JobFolder): Promise<void>;
}

export type JobFolder = 'frames' | 'checkpoints';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = /^jobs\/[0-9a-f-]{36}\/(?:[a-z]+(?:\/\d{5}(?:-a\d{1,6})?\.[a-z]+|\.[a-z0-9]+)?)$/;

export type JobFileKind = 'init' | 'mask' | 'video' | 'audio' | 'settings' | 'result';

/** `jobs/<id>/init.png`: a job's attachment or result; the extension is from a fixed list chosen by the caller. */
export function jobFileKey(jobId: string, kind: JobFileKind, extension: string): string {
  return checkKey(`jobs/${checkJobId(jobId)}/${kind}.${extension}`);
}

/**
 * `jobs/<id>/frames/00012-a3.png`: frame 12 as attempt 3 rendered it. The attempt is part of the key so a worker
 * that lost its lease (and writes its file before its fenced database write is refused) never overwrites a file
 * that the job's current attempt recorded: job_frames names the one file of each frame that counts.
 */
export function frameKey(jobId: string, frameIndex: number, attempt: number): string {
  return checkKey(`jobs/${checkJobId(jobId)}/frames/${attemptFileName(frameIndex, attempt)}.png`);
}

/** `jobs/<id>/checkpoints/00012-a3.bin`: the render loop's state after frame 12 of attempt 3. */
export function checkpointKey(jobId: string, frameIndex: number, attempt: number): string {
  return checkKey(`jobs/${checkJobId(jobId)}/checkpoints/${attemptFileName(frameIndex, attempt)}.bin`);
}

function attemptFileName(frameIndex: number, attempt: number): string {
  if (!Number.isSafeInteger(frameIndex) || frameIndex < 0 || frameIndex > 99_999) {
    throw new RangeError(`frame index ${String(frameIndex)} is outside 0..99999`);
  }
  if (!Number.isSafeInteger(attempt) || attempt < 1 || attempt > 999_999) {
    throw new RangeError(`attempt ${String(attempt)} is outside 1..999999`);
  }
  return `${String(frameIndex).padStart(5, '0')}-a${attempt}`;
}

export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader (or a resumed worker) never sees half a file.
    const partial = `${file}.partial-${process.pid}`;
    await writeFile(partial, bytes);
    await rename(partial, file);
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deleteJob(jobId: string): Promise<void> {
    await rm(path.join(this.root, 'jobs', checkJobId(jobId)), { recursive: true, force: true });
  }

  async deleteJobFolder(jobId: string, folder: JobFolder): Promise<void> {
    await rm(path.join(this.root, 'jobs', checkJobId(jobId), folder), { recursive: true, force: true });
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...checkKey(key).split('/'));
  }
}

function checkJobId(jobId: string): string {
  if (!UUID.test(jobId)) throw new RangeError(`'${jobId}' is not a job id (a lower-case UUID)`);
  return jobId;
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new RangeError(`'${key}' is not a storage key made by jobFileKey or frameKey`);
  return key;
}

/**
 * The storage interface and its keys (issue 7 point 6). Keys are made here from job ids only (`jobs/<uuid>/...`),
 * never from user text, so no user input can name a path or an object; every backend checks each key it is given.
 */

/** Where a job's files live: a local directory (storage-local.ts) or an S3-compatible bucket (storage-s3.ts). */
export interface Storage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Rejects when the key holds nothing. */
  get(key: string): Promise<Buffer>;
  /** Deleting a key that holds nothing is not an error. */
  delete(key: string): Promise<void>;
  /** Every key under a prefix made by jobPrefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Deletes every key under `jobs/<jobId>/`. */
  deleteJob(jobId: string): Promise<void>;
  /** Deletes a job's checkpointed frames or checkpoints (`jobs/<jobId>/frames/`, `.../checkpoints/`): retention. */
  deleteJobFolder(jobId: string, folder: JobFolder): Promise<void>;
}

export type JobFolder = 'frames' | 'checkpoints';

/** Attachments by their kind; `result` is the MP4 (and `result.gif`), `fit` the MP4 re-encoded to an upload limit. */
export type JobFileKind = 'init' | 'mask' | 'video' | 'audio' | 'settings' | 'result' | 'fit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = /^jobs\/[0-9a-f-]{36}\/(?:[a-z]+(?:\/\d{5}(?:-a\d{1,6})?\.[a-z]+|\.[a-z0-9]+)?)$/;
const PREFIX = /^jobs\/[0-9a-f-]{36}\/(?:(?:frames|checkpoints)\/)?$/;

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

/** `jobs/<id>/`, or `jobs/<id>/frames/` with a folder: what `list` takes. */
export function jobPrefix(jobId: string, folder?: JobFolder): string {
  return `jobs/${checkJobId(jobId)}/${folder === undefined ? '' : `${folder}/`}`;
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

export function checkJobId(jobId: string): string {
  if (!UUID.test(jobId)) throw new RangeError(`'${jobId}' is not a job id (a lower-case UUID)`);
  return jobId;
}

export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new RangeError(`'${key}' is not a storage key made by jobFileKey or frameKey`);
  return key;
}

export function checkPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) throw new RangeError(`'${prefix}' is not a storage prefix made by jobPrefix`);
  return prefix;
}

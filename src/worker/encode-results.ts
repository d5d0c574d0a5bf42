/**
 * The files a finished job leaves for the bot (issue 8 point 2), all made from the recorded frames (the file each
 * job_frames row names, so a resumed job gives what an uninterrupted one would): the MP4; the GIF when the settings
 * ask for one (`create_gif`, A1111's `make_gif`); and, when the job carries its channel's upload limit and the MP4
 * is over it, the MP4 re-encoded to fit (fit-to-size.ts), so the bot can post a video instead of only a link.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeforumError } from '../core/errors.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { encodeGif, encodeMp4, type FrameInput } from '../core/video/encode.js';
import { fitToSize } from '../core/video/fit-to-size.js';
import type { JobResult } from '../jobs/job-leases.js';
import type { JobRecord } from '../jobs/job-record.js';
import type { JobStore } from '../jobs/job-store.js';
import { jobFileKey, type Storage } from '../storage/storage.js';
import type { Logger } from './logger.js';

export interface EncodeResultsDeps {
  jobs: Pick<JobStore, 'listFrames'>;
  storage: Storage;
}

export interface EncodeResultsOptions {
  /** The lease's signal: a lost lease stops ffmpeg. */
  signal: AbortSignal;
  log: Logger;
}

export type StoredResults = Omit<JobResult, 'flagged'>;

export async function encodeResults(
  job: JobRecord,
  settings: DeforumSettings,
  deps: EncodeResultsDeps,
  options: EncodeResultsOptions,
): Promise<StoredResults> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'deforum-worker-'));
  try {
    const frames = await downloadFrames(job, settings, deps, folder);
    const encode = { frames, fps: settings.ffmpeg_fps, signal: options.signal };
    const mp4 = path.join(folder, 'result.mp4');
    await encodeMp4({ ...encode, output: mp4 });
    const resultKey = await store(deps, mp4, jobFileKey(job.id, 'result', 'mp4'));
    const results: StoredResults = { resultKey };
    if (settings.create_gif) {
      const gif = path.join(folder, 'result.gif');
      await encodeGif({ ...encode, output: gif });
      results.gifKey = await store(deps, gif, jobFileKey(job.id, 'result', 'gif'));
    }
    const limit = job.uploadLimitBytes;
    if (limit !== null && (await stat(mp4)).size > limit) {
      const fit = await fitOrNull(mp4, limit, path.join(folder, 'fit.mp4'), options);
      if (fit !== null) results.fitKey = await store(deps, fit, jobFileKey(job.id, 'fit', 'mp4'));
    }
    return results;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Frames 0 … max_frames − 1 as recorded, written to `folder` for ffmpeg. */
async function downloadFrames(
  job: JobRecord,
  settings: DeforumSettings,
  deps: EncodeResultsDeps,
  folder: string,
): Promise<FrameInput> {
  const frames = await deps.jobs.listFrames(job.id);
  if (frames.length !== settings.max_frames || frames.some((frame, index) => frame.frameIndex !== index)) {
    throw new Error(`job ${job.id} finished with ${frames.length} recorded frames, expected ${settings.max_frames}`);
  }
  for (const frame of frames) {
    const file = path.join(folder, `${String(frame.frameIndex).padStart(5, '0')}.png`);
    await writeFile(file, await deps.storage.get(frame.storageKey));
  }
  return { kind: 'pattern', directory: folder, pattern: '%05d.png', count: frames.length };
}

async function store(deps: EncodeResultsDeps, file: string, key: string): Promise<string> {
  await deps.storage.put(key, await readFile(file));
  return key;
}

/**
 * The re-encode that fits `limit`, or null when none does (`video_too_large`): the job still succeeded, and the
 * bot links the full MP4 instead of failing a finished render.
 */
async function fitOrNull(
  input: string,
  limit: number,
  output: string,
  options: EncodeResultsOptions,
): Promise<string | null> {
  try {
    const fit = await fitToSize(input, limit, { output, signal: options.signal });
    options.log.info({ bytes: fit.bytes, limit, summary: fit.summary }, 'fit-to-size MP4 made');
    return fit.output;
  } catch (error) {
    if (!isDeforumError(error) || error.details.code !== 'video_too_large') throw error;
    options.log.warn({ limit, reason: error.message }, 'no re-encode fits the upload limit; only the MP4 is stored');
    return null;
  }
}

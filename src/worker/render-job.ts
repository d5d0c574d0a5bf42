/**
 * Renders one claimed job with the engine (issue 7 point 5): the job's settings and attachments come from the
 * database and storage; every `frame:done` is written to storage (its PNG, then its checkpoint) under keys made
 * from the job id and attempt, then recorded with the progress in one fenced transaction (`recordFrame`). A job
 * claimed again resumes from the checkpoint of its last recorded frame, so a dead worker costs at most the frame
 * in flight. When the last frame is recorded the MP4 is encoded from the recorded frames and stored.
 *
 * Preview jobs run the loop with the identity generator, as `deforum render --preview` does (motion-preview.ts);
 * full jobs use the worker's model sessions. Only 2D and 3D jobs can be checkpointed, so only they are served.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../core/animation/checkpoint.js';
import { identityGenerator } from '../core/animation/identity-generator.js';
import { motionPreviewSettings } from '../core/animation/motion-preview.js';
import type { FrameDoneEvent } from '../core/animation/render-events.js';
import { DeforumError } from '../core/errors.js';
import { renderAnimation } from '../core/animation/render-loop.js';
import { checkRenderable } from '../core/animation/render-support.js';
import { decodeImage, encodePng } from '../core/image/codec.js';
import type { RawImage } from '../core/image/raw-image.js';
import { parseSettingsOrThrow } from '../core/settings/parse-settings.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { encodeMp4 } from '../core/video/encode.js';
import type { JobLeases } from '../jobs/job-leases.js';
import type { JobRecord } from '../jobs/job-record.js';
import type { JobStore } from '../jobs/job-store.js';
import type { LeaseKeeper } from './lease.js';
import type { Logger } from './logger.js';
import type { WorkerMetrics } from './metrics.js';
import type { JobGenerator, ModelSessions } from './model-sessions.js';
import { checkpointKey, frameKey, jobFileKey, type Storage } from '../storage/storage.js';

export interface RenderJobDeps {
  leases: Pick<JobLeases, 'recordFrame'>;
  jobs: Pick<JobStore, 'listAttachments' | 'listFrames'>;
  storage: Storage;
  sessions: Pick<ModelSessions, 'generatorFor'>;
  metrics: WorkerMetrics;
}

export type RenderOutcome =
  /** Every frame is recorded and the video stored under `resultKey`: complete the job. */
  | { kind: 'rendered'; resultKey: string }
  /** The worker is stopping: the frame in flight was recorded; give the job back. */
  | { kind: 'stopped'; framesDone: number };

export interface RenderJobInput {
  job: JobRecord;
  lease: LeaseKeeper;
  /** Polled after each recorded frame: true once SIGTERM asked the worker to stop. */
  stopRequested: () => boolean;
  log: Logger;
}

export async function renderJob(input: RenderJobInput, deps: RenderJobDeps): Promise<RenderOutcome> {
  const { job, lease, log } = input;
  const settings = jobSettings(job);
  const init = await loadInit(job, settings, deps);
  const resume = await loadResumePoint(job, deps, log);
  const { generate, depthModel }: JobGenerator = job.preview
    ? { generate: identityGenerator(), depthModel: null }
    : await deps.sessions.generatorFor(settings);
  log.info({ preview: job.preview, fromFrame: resume?.framesDone ?? 0, frames: settings.max_frames }, 'rendering');
  const events = renderAnimation({
    settings,
    init,
    generate,
    depthModel,
    signal: lease.signal,
    ...(resume !== null && { resumeFrom: resume }),
  });
  let started = performance.now();
  for await (const event of events) {
    if (event.type !== 'frame:done') continue;
    await storeFrame(event, input, deps);
    deps.metrics.frameRecorded((performance.now() - started) / 1000);
    started = performance.now();
    if (input.stopRequested() && event.frame + 1 < settings.max_frames) {
      return { kind: 'stopped', framesDone: event.frame + 1 };
    }
  }
  lease.signal.throwIfAborted();
  return { kind: 'rendered', resultKey: await encodeVideo(job, settings, deps) };
}

/**
 * The job's settings as the run renders them, parsed again (a DeforumError is the job's fault, not retried) and
 * normalised as `deforum render` does: W and H down to multiples of 64, and seed −1 resolved. The seed is drawn
 * from the job id, not at random, so every attempt of the job renders the same frames.
 */
function jobSettings(job: JobRecord): DeforumSettings {
  const parsed = parseSettingsOrThrow(job.settings, `the settings of job ${job.id}`);
  const seed = parsed.seed === -1 ? seedOf(job.id) : parsed.seed;
  const settings = { ...parsed, W: parsed.W - (parsed.W % 64), H: parsed.H - (parsed.H % 64), seed };
  checkRenderable(job.preview ? motionPreviewSettings(settings) : settings);
  checkStorable(settings);
  return job.preview ? motionPreviewSettings(settings) : settings;
}

/**
 * What `deforum render` can write but a worker does not store yet (it keeps 8-bit PNG frames only): refused
 * before any frame renders, so a job never finishes with less than it asked for.
 */
function checkStorable(settings: DeforumSettings): void {
  const refuse = (setting: string, given: string): never => {
    throw new DeforumError(
      { code: 'setting_unsupported', setting, given, reason: 'workers store 8-bit frames only' },
      `${setting} = ${given} is not stored by the worker fleet yet (it keeps 8-bit PNG frames only); ` +
        'render this one with `deforum render`, or change the setting.',
    );
  };
  if (settings.bit_depth_output !== 8) refuse('bit_depth_output', String(settings.bit_depth_output));
  if (settings.save_depth_maps) refuse('save_depth_maps', 'true');
  if (settings.hybrid_composite && settings.hybrid_comp_mask_type.includes('Depth')) {
    refuse('hybrid_comp_mask_type', settings.hybrid_comp_mask_type);
  }
}

function seedOf(jobId: string): number {
  return createHash('sha256').update(jobId).digest().readUInt32BE(0);
}

/** The uploaded init image (never a path from the settings: a worker reads nothing that user text names). */
async function loadInit(
  job: JobRecord,
  settings: DeforumSettings,
  deps: RenderJobDeps,
): Promise<RawImage<'u8'> | null> {
  const init = (await deps.jobs.listAttachments(job.id)).find((attachment) => attachment.kind === 'init');
  if (init === undefined) return null;
  return decodeImage(await deps.storage.get(init.storageKey), { size: { width: settings.W, height: settings.H } });
}

/**
 * The checkpoint after the job's last recorded frame, or null to start at frame 0 (a first attempt, or a checkpoint
 * that retention or a lost volume removed: the frames are rendered again and their rows replaced).
 */
async function loadResumePoint(job: JobRecord, deps: RenderJobDeps, log: Logger): Promise<Checkpoint | null> {
  if (job.framesDone === 0) return null;
  const last = (await deps.jobs.listFrames(job.id)).find((frame) => frame.frameIndex === job.framesDone - 1);
  if (last === undefined) return null;
  try {
    const checkpoint = decodeCheckpoint(await deps.storage.get(checkpointKey(job.id, last.frameIndex, last.attempt)));
    return checkpoint.framesDone === job.framesDone ? checkpoint : null;
  } catch (error) {
    log.warn({ err: error, frame: last.frameIndex }, 'checkpoint unreadable; rendering the job from frame 0');
    return null;
  }
}

/** PNG, then checkpoint, then the fenced row: a recorded frame always has both files. */
async function storeFrame(event: FrameDoneEvent, input: RenderJobInput, deps: RenderJobDeps): Promise<void> {
  const { job, lease } = input;
  const { attempt } = lease.current;
  const png =
    event.image16 === undefined ? await encodePng(event.image) : await encodePng(event.image16, { bitDepth: 16 });
  const storageKey = frameKey(job.id, event.frame, attempt);
  await deps.storage.put(storageKey, png);
  if (event.checkpoint !== undefined) {
    await deps.storage.put(checkpointKey(job.id, event.frame, attempt), encodeCheckpoint(event.checkpoint));
  }
  lease.renewed(await deps.leases.recordFrame(lease.current, { frameIndex: event.frame, storageKey }));
  input.log.debug({ frame: event.frame }, 'frame recorded');
}

/** The MP4 of the recorded frames 0 … max_frames − 1 (the file each job_frames row names), stored as the result. */
async function encodeVideo(job: JobRecord, settings: DeforumSettings, deps: RenderJobDeps): Promise<string> {
  const frames = await deps.jobs.listFrames(job.id);
  const missing = settings.max_frames - frames.length;
  if (missing !== 0 || frames.some((frame, index) => frame.frameIndex !== index)) {
    throw new Error(`job ${job.id} finished with ${frames.length} recorded frames, expected ${settings.max_frames}`);
  }
  const folder = await mkdtemp(path.join(os.tmpdir(), 'deforum-worker-'));
  try {
    for (const frame of frames) {
      await writeFile(
        path.join(folder, `${String(frame.frameIndex).padStart(5, '0')}.png`),
        await deps.storage.get(frame.storageKey),
      );
    }
    const output = path.join(folder, 'result.mp4');
    await encodeMp4({
      frames: { kind: 'pattern', directory: folder, pattern: '%05d.png', count: frames.length },
      output,
      fps: settings.ffmpeg_fps,
    });
    const resultKey = jobFileKey(job.id, 'result', 'mp4');
    await deps.storage.put(resultKey, await readFile(output));
    return resultKey;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

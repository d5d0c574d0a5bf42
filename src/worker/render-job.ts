/**
 * Renders one claimed job with the engine (issue 7 point 5): the job's settings and attachments come from the
 * database and storage; every `frame:done` is written to storage (its PNG and its checkpoint) under keys made
 * from the job id and attempt, then recorded with the progress in one fenced statement (`recordFrame`), while the
 * next frame renders (frame-recorder.ts). A job claimed again resumes from the checkpoint of its last recorded
 * frame, so a dead worker costs the frame in flight and at most the one being stored. Uploaded media come from
 * the job's attachments (job-media.ts); frames showing a diffused image pass the export's safety checker before
 * they are stored (safety-check.ts); when the last frame is recorded the result files are encoded from the recorded
 * frames and stored (encode-results.ts).
 *
 * Preview jobs run the loop with the identity generator, as `deforum render --preview` does (motion-preview.ts);
 * full jobs use the worker's model sessions. Only 2D and 3D jobs can be checkpointed, so only they are served.
 */
import { createHash } from 'node:crypto';
import { decodeCheckpoint, type Checkpoint } from '../core/animation/checkpoint.js';
import { identityGenerator } from '../core/animation/identity-generator.js';
import { motionPreviewSettings } from '../core/animation/motion-preview.js';
import { renderAnimation } from '../core/animation/render-loop.js';
import { checkRenderable } from '../core/animation/render-support.js';
import { parseSettingsOrThrow } from '../core/settings/parse-settings.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { checkStorable } from '../jobs/fleet-limits.js';
import type { JobLeases, JobResult } from '../jobs/job-leases.js';
import type { JobRecord } from '../jobs/job-record.js';
import type { JobStore } from '../jobs/job-store.js';
import { encodeResults } from './encode-results.js';
import { createFrameRecorder } from './frame-recorder.js';
import { loadJobMedia, type JobMedia } from './job-media.js';
import type { LeaseKeeper } from './lease.js';
import type { Logger } from './logger.js';
import type { WorkerMetrics } from './metrics.js';
import type { JobGenerator, ModelSessions } from './model-sessions.js';
import { frameSafety } from './safety-check.js';
import { checkpointKey, type Storage } from '../storage/storage.js';

export interface RenderJobDeps {
  leases: Pick<JobLeases, 'recordFrame' | 'flag'>;
  jobs: Pick<JobStore, 'listAttachments' | 'listFrames'>;
  storage: Storage;
  sessions: Pick<ModelSessions, 'generatorFor'>;
  metrics: WorkerMetrics;
}

export type RenderOutcome =
  /** Every frame is recorded and the result files stored: complete the job with them. */
  | ({ kind: 'rendered' } & JobResult)
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
  const settings = jobSettings(input.job);
  const media = await loadJobMedia(input.job, settings, deps, input.lease.signal);
  try {
    return await renderFrames(input, deps, settings, media);
  } finally {
    await media.dispose();
  }
}

async function renderFrames(
  input: RenderJobInput,
  deps: RenderJobDeps,
  settings: DeforumSettings,
  media: JobMedia,
): Promise<RenderOutcome> {
  const { job, lease, log } = input;
  const resume = await loadResumePoint(job, deps, log);
  const { generate, depthModel, safetyChecker }: JobGenerator = job.preview
    ? { generate: identityGenerator(), depthModel: null, safetyChecker: null }
    : await deps.sessions.generatorFor(settings);
  const safety = frameSafety({
    checker: safetyChecker,
    settings,
    flaggedBefore: job.flagged,
    flag: () => deps.leases.flag(lease.current),
    log,
  });
  log.info({ preview: job.preview, fromFrame: resume?.framesDone ?? 0, frames: settings.max_frames }, 'rendering');
  const recorder = createFrameRecorder(lease, deps, log);
  const events = renderAnimation({
    settings,
    init: media.init,
    mask: media.mask,
    video: media.video,
    generate,
    depthModel,
    signal: AbortSignal.any([lease.signal, recorder.signal]),
    ...(resume !== null && { resumeFrom: resume }),
  });
  try {
    for await (const event of events) {
      if (event.type !== 'frame:done') continue;
      await safety.inspect(event);
      await recorder.add(event);
      if (input.stopRequested() && event.frame + 1 < settings.max_frames) {
        await recorder.flush();
        return { kind: 'stopped', framesDone: event.frame + 1 };
      }
    }
    await recorder.flush();
  } catch (error) {
    // A failed record aborted the render: report that failure (lease_lost or the storage error), not the abort.
    await recorder.flush();
    throw error;
  }
  lease.signal.throwIfAborted();
  const results = await encodeResults(job, settings, deps, { signal: lease.signal, log });
  return { kind: 'rendered', ...results, flagged: safety.flagged };
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

function seedOf(jobId: string): number {
  return createHash('sha256').update(jobId).digest().readUInt32BE(0);
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

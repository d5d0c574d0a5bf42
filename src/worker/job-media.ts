/**
 * The images and video a job renders from, all from its uploaded attachments: never a path or URL from the
 * settings, since a worker reads nothing that user text names. As `deforum render` reads them (cli/render-modes.ts,
 * commands/render.ts): the init image at W×H; with `use_mask` the mask image with its alpha (the `mask`
 * attachment, or the init's own alpha with `use_alpha_as_mask`); with hybrid video the `video` attachment's
 * frames, extracted into a temporary folder as for `hybrid_generate_inputframes` (the job's max_frames is fixed at
 * submission, so a shorter video is refused and a longer one is cut), and its first frame as the init with
 * `hybrid_use_first_frame_as_init_image`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractedFrames } from '../core/animation/extracted-frame-source.js';
import { readSized, type FrameSource } from '../core/animation/frame-source.js';
import { isHybridActive } from '../core/animation/render-support.js';
import { DeforumError } from '../core/errors.js';
import { decodeImage } from '../core/image/codec.js';
import type { RawImage } from '../core/image/raw-image.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import type { JobRecord } from '../jobs/job-record.js';
import type { JobStore } from '../jobs/job-store.js';
import type { Storage } from '../storage/storage.js';

export interface JobMediaDeps {
  jobs: Pick<JobStore, 'listAttachments'>;
  storage: Storage;
}

export interface JobMedia {
  init: RawImage<'u8'> | null;
  mask: RawImage<'u8'> | null;
  video: FrameSource | null;
  /** Removes the extracted video frames. */
  dispose(): Promise<void>;
}

type AttachmentKind = 'init' | 'mask' | 'video';

export async function loadJobMedia(
  job: JobRecord,
  settings: DeforumSettings,
  deps: JobMediaDeps,
  signal: AbortSignal,
): Promise<JobMedia> {
  const attachments = await deps.jobs.listAttachments(job.id);
  const keyOf = (kind: AttachmentKind): string | undefined =>
    attachments.find((attachment) => attachment.kind === kind)?.storageKey;
  const mask = await loadMask(settings, keyOf, deps.storage);
  const folder = isHybridActive(settings) ? await mkdtemp(path.join(os.tmpdir(), 'deforum-')) : null;
  const dispose = (): Promise<void> => (folder === null ? Promise.resolve() : rm(folder, { recursive: true }));
  try {
    const video = folder === null ? null : await hybridVideo(settings, keyOf('video'), deps.storage, folder, signal);
    return { init: await loadInit(settings, keyOf('init'), deps.storage, video), mask, video, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Frame 0's init at W×H: the first video frame with `hybrid_use_first_frame_as_init_image`, else the upload. */
async function loadInit(
  settings: DeforumSettings,
  key: string | undefined,
  storage: Storage,
  video: FrameSource | null,
): Promise<RawImage<'u8'> | null> {
  const size = { width: settings.W, height: settings.H };
  if (video !== null && settings.hybrid_use_first_frame_as_init_image) return readSized(video, 0, size, 'lanczos');
  return key === undefined ? null : decodeImage(await storage.get(key), { size });
}

async function loadMask(
  settings: DeforumSettings,
  keyOf: (kind: AttachmentKind) => string | undefined,
  storage: Storage,
): Promise<RawImage<'u8'> | null> {
  if (!settings.use_mask) return null;
  const kind = settings.use_alpha_as_mask ? 'init' : 'mask';
  const key = keyOf(kind);
  if (key === undefined) {
    const what = kind === 'init' ? 'init image with alpha (use_alpha_as_mask)' : 'mask image';
    throw new DeforumError(
      { code: 'settings_invalid', issues: [{ setting: 'use_mask', message: `needs ${what} attached to the job` }] },
      `use_mask is on but no ${what} is attached to the job; attach one when you submit, or set use_mask to false.`,
    );
  }
  return decodeImage(await storage.get(key), { alpha: 'keep' });
}

async function hybridVideo(
  settings: DeforumSettings,
  key: string | undefined,
  storage: Storage,
  folder: string,
  signal: AbortSignal,
): Promise<FrameSource> {
  if (key === undefined) {
    throw new DeforumError(
      { code: 'settings_invalid', issues: [{ setting: 'video_init_path', message: 'hybrid video needs a video' }] },
      'Hybrid video (hybrid_motion or hybrid_composite) reads the frames of a video, and the job has none ' +
        'attached; attach the video when you submit, or set hybrid_motion to None and hybrid_composite to false.',
    );
  }
  const videoPath = path.join(folder, `video${path.extname(key)}`);
  await writeFile(videoPath, await storage.get(key));
  // A fresh folder: always extracted, whatever overwrite_extracted_frames says.
  const framesDir = path.join(folder, 'inputframes');
  const frames = await extractedFrames(settings, { videoPath, framesDir, maxFrames: settings.max_frames, signal });
  if (frames.count < settings.max_frames) {
    const message =
      `The attached video gives ${frames.count} frames (extract_nth_frame = ${settings.extract_nth_frame}), fewer than ` +
      `max_frames = ${settings.max_frames}; set max_frames to ${frames.count} or less, lower extract_nth_frame, ` +
      'or attach a longer video.';
    throw new DeforumError({ code: 'settings_invalid', issues: [{ setting: 'max_frames', message }] }, message);
  }
  return frames;
}

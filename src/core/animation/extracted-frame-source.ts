/**
 * A video's frames as the loop reads them (spec §11): extracted into a folder as the notebook does
 * (extract-frames.ts) and handed to the loop as a FrameSource that decodes `{n:05}.jpg` when the loop asks. Used by
 * `deforum render` (Video Input, hybrid video) and by workers (an uploaded hybrid video).
 */
import path from 'node:path';
import { decodeImage } from '../image/codec.js';
import type { DeforumSettings } from '../settings/schema.js';
import { extractedFrameName, extractFrames } from '../video/extract-frames.js';
import type { FrameSource } from './frame-source.js';

export interface VideoFramesOptions {
  /** `--video` / `--mask-video`, or the setting's path when it is a local file. */
  videoPath: string;
  /** `inputframes` or `maskframes` under the output folder. */
  framesDir: string;
  /** `--frames`: use at most this many frames. */
  maxFrames?: number | undefined;
  signal?: AbortSignal;
}

export async function extractedFrames(settings: DeforumSettings, options: VideoFramesOptions): Promise<FrameSource> {
  const { frameCount } = await extractFrames({
    videoPath: options.videoPath,
    framesDir: options.framesDir,
    extractNthFrame: settings.extract_nth_frame,
    overwrite: settings.overwrite_extracted_frames,
    ...(options.signal && { signal: options.signal }),
  });
  return folderSource(options.framesDir, frameCount, options.maxFrames);
}

/** The first `maxFrames` of a folder's `count` extracted frames, decoded when the loop asks. */
export function folderSource(framesDir: string, count: number, maxFrames: number | undefined): FrameSource {
  return {
    count: Math.min(count, maxFrames ?? count),
    read: (index) => decodeImage(path.join(framesDir, extractedFrameName(index + 1))),
  };
}

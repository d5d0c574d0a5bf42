/**
 * The extracted video frames a Video Input render reads (spec §11): `video_init_path` (or `video_mask_path`) is
 * extracted into `<out>/inputframes` (`maskframes`) as the notebook does (extract-frames.ts), and the folder is
 * handed to the loop as a FrameSource that decodes `{n:05}.jpg` when the loop asks for it.
 */
import path from 'node:path';
import type { FrameSource } from '../core/animation/frame-source.js';
import { decodeImage } from '../core/image/codec.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { extractedFrameName, extractFrames } from '../core/video/extract-frames.js';
import { usageError } from './cli-arguments.js';

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
  return {
    count: Math.min(frameCount, options.maxFrames ?? frameCount),
    read: (index) => decodeImage(path.join(options.framesDir, extractedFrameName(index + 1))),
  };
}

/** A video setting's path when it names a file here; a URL is refused (nothing is downloaded). */
export function localVideoPath(setting: 'video_init_path' | 'video_mask_path', value: string): string {
  if (/^https?:\/\//i.test(value)) {
    const instead = setting === 'video_init_path' ? 'pass --video FILE' : `set ${setting} to the file`;
    throw usageError(setting, `${setting} is a URL (${value}); download it and ${instead}`);
  }
  return value;
}

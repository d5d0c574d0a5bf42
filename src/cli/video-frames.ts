/**
 * The extracted video frames a Video Input render reads (spec §11): `video_init_path` (or `video_mask_path`) is
 * extracted into `<out>/inputframes` (`maskframes`) as the notebook does (extract-frames.ts), and the folder is
 * handed to the loop as a FrameSource that decodes `{n:05}.jpg` when the loop asks for it.
 */
import path from 'node:path';
import type { FrameSource } from '../core/animation/frame-source.js';
import { decodeImage } from '../core/image/codec.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { countExtractedFrames, extractedFrameName, extractFrames } from '../core/video/extract-frames.js';
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
  return folderSource(options.framesDir, frameCount, options.maxFrames);
}

/** The first `maxFrames` of a folder's `count` extracted frames, decoded when the loop asks. */
function folderSource(framesDir: string, count: number, maxFrames: number | undefined): FrameSource {
  return {
    count: Math.min(count, maxFrames ?? count),
    read: (index) => decodeImage(path.join(framesDir, extractedFrameName(index + 1))),
  };
}

/**
 * Hybrid video's frames (spec §12): `video_init_path` (or `--video`) extracted into `<out>/inputframes` with
 * `hybrid_generate_inputframes`, otherwise the frames an earlier run left there. Their count is the run's
 * max_frames (item 28, B); an empty folder is a usage error instead of the original's 0-frame crash.
 */
export async function hybridFrames(
  settings: DeforumSettings,
  out: string,
  options: { video?: string | undefined; maxFrames?: number | undefined },
): Promise<FrameSource> {
  const framesDir = path.join(out, 'inputframes');
  if (settings.hybrid_generate_inputframes) {
    const videoPath = options.video ?? localVideoPath('video_init_path', settings.video_init_path);
    return extractedFrames(settings, { videoPath, framesDir, maxFrames: options.maxFrames });
  }
  const count = await countExtractedFrames(framesDir);
  if (count === 0) {
    throw usageError(
      'hybrid_generate_inputframes',
      `hybrid video takes its frames from ${framesDir}, which holds none; set hybrid_generate_inputframes to true ` +
        'to extract video_init_path there',
    );
  }
  return folderSource(framesDir, count, options.maxFrames);
}

/** A video setting's path when it names a file here; a URL is refused (nothing is downloaded). */
export function localVideoPath(setting: 'video_init_path' | 'video_mask_path', value: string): string {
  if (/^https?:\/\//i.test(value)) {
    const instead = setting === 'video_init_path' ? 'pass --video FILE' : `set ${setting} to the file`;
    throw usageError(setting, `${setting} is a URL (${value}); download it and ${instead}`);
  }
  return value;
}

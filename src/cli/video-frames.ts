/**
 * Where `deforum render` finds a run's video frames (spec §11, §12): a local `video_init_path` (or `--video`)
 * extracted into `<out>/inputframes` (extracted-frame-source.ts), or the frames an earlier run left there.
 */
import path from 'node:path';
import { extractedFrames, folderSource } from '../core/animation/extracted-frame-source.js';
import type { FrameSource } from '../core/animation/frame-source.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { countExtractedFrames } from '../core/video/extract-frames.js';
import { usageError } from './cli-arguments.js';

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

/**
 * `hybrid_use_video_as_mse_image` (spec §12, §22.2 step 3.4): the init_mse guidance target follows the video. At
 * startup the original sets `init_mse_image` to the first video file, and before each diffused frame f > 0 to file
 * `{f:05}.jpg` (1-based, so video frame f − 1), which `generate()` loads stretched to W×H with Lanczos. Only a
 * hybrid run (hybrid_composite or a hybrid_motion) with `init_mse_scale` ≠ 0 reads it.
 */
import type { GuidanceImages } from '../diffusion/guidance/guidance-settings.js';
import type { DeforumSettings } from '../settings/schema.js';
import { readSized, type FrameSource } from './frame-source.js';
import { isHybridActive } from './render-support.js';

/** Diffused frame `frame`'s guidance images in place of the render's. */
export type FrameGuidanceImages = (frame: number) => Promise<Partial<GuidanceImages>>;

/** Whether this run's init_mse image is the video's (and the settings' `init_mse_image` is not read). */
export function usesVideoAsMseImage(settings: DeforumSettings): boolean {
  return settings.hybrid_use_video_as_mse_image && settings.init_mse_scale !== 0 && isHybridActive(settings);
}

/** The per-frame guidance images of a run that takes its init_mse image from the video, else null. */
export function videoMseImages(settings: DeforumSettings, video: FrameSource | null): FrameGuidanceImages | null {
  if (video === null || !usesVideoAsMseImage(settings)) return null;
  const size = { width: settings.W, height: settings.H };
  return async (frame) => ({ init_mse_image: await readSized(video, Math.max(frame - 1, 0), size, 'lanczos') });
}

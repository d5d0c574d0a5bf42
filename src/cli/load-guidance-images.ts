/**
 * The images conditional guidance reads (spec §18), loaded from local files as the notebook's `load_img` does:
 * `init_mse_image` stretched to W×H with Lanczos, `colormatch_image` at its own size, both RGB. Only the images
 * of losses that are on are read; a URL is refused with what to do, since this engine fetches nothing.
 */
import { usesVideoAsMseImage } from '../core/animation/hybrid-mse-image.js';
import { decodeImage } from '../core/image/codec.js';
import type { RawImage } from '../core/image/raw-image.js';
import {
  guidanceSettingsOf,
  isGuidanceActive,
  type RenderGuidance,
} from '../core/diffusion/guidance/guidance-settings.js';
import { isUrl } from '../core/settings/media-references.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { usageError } from './cli-arguments.js';

/** The render's guidance, or undefined when every guidance scale is 0. */
export async function loadRenderGuidance(settings: DeforumSettings): Promise<RenderGuidance | undefined> {
  if (!isGuidanceActive(settings)) return undefined;
  const read = async (
    setting: 'init_mse_image' | 'colormatch_image',
    scale: number,
    size?: { width: number; height: number },
  ): Promise<RawImage<'u8'> | null> => {
    if (scale === 0) return null;
    const file = settings[setting];
    if (isUrl(file)) {
      throw usageError(
        setting,
        `${file} is a URL and this engine fetches nothing; download the image and set ${setting} to the file's path`,
      );
    }
    return decodeImage(file, size === undefined ? {} : { size });
  };
  return {
    settings: guidanceSettingsOf(settings),
    images: {
      // With hybrid_use_video_as_mse_image each frame brings its video frame instead (hybrid-mse-image.ts).
      init_mse_image: usesVideoAsMseImage(settings)
        ? null
        : await read('init_mse_image', settings.init_mse_scale, { width: settings.W, height: settings.H }),
      colormatch_image: await read('colormatch_image', settings.colormatch_scale),
    },
  };
}

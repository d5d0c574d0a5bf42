/**
 * The files and URLs a run would read (init image, mask, videos, guidance images), only for the settings the
 * run actually uses: the notebook's defaults are Colab paths and web URLs, which matter only when switched on.
 * Whether a path exists is checked by the caller that may touch the file system (the CLI).
 */
import type { DeforumSettings } from './schema.js';

export interface MediaReference {
  setting: 'init_image' | 'mask_file' | 'video_init_path' | 'video_mask_path' | 'init_mse_image' | 'colormatch_image';
  value: string;
  isUrl: boolean;
}

export function isUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

export function mediaReferences(settings: DeforumSettings): MediaReference[] {
  const mode = settings.animation_mode;
  const hybrid = (mode === '2D' || mode === '3D') && (settings.hybrid_composite || settings.hybrid_motion !== 'None');
  const used: [MediaReference['setting'], string | null, boolean][] = [
    ['init_image', settings.init_image, settings.use_init && mode !== 'Video Input'],
    ['mask_file', settings.mask_file, settings.use_mask && !settings.use_alpha_as_mask && !settings.use_mask_video],
    [
      'video_init_path',
      settings.video_init_path,
      mode === 'Video Input' || (hybrid && settings.hybrid_generate_inputframes),
    ],
    ['video_mask_path', settings.video_mask_path, settings.use_mask_video && mode === 'Video Input'],
    [
      'init_mse_image',
      settings.init_mse_image,
      settings.init_mse_scale !== 0 && !settings.hybrid_use_video_as_mse_image,
    ],
    ['colormatch_image', settings.colormatch_image, settings.colormatch_scale !== 0],
  ];
  return used.flatMap(([setting, value, inUse]) =>
    inUse && value !== null && value !== '' ? [{ setting, value, isUrl: isUrl(value) }] : [],
  );
}

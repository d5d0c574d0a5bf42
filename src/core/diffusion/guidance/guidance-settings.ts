/**
 * The conditional-guidance settings of a render (spec §18), the images they name, and whether any loss is on.
 * The images come in decoded (the CLI reads local files; URLs are not fetched): `init_mse_image` already
 * stretched to W×H with Lanczos as the notebook loads it, `colormatch_image` at its own size.
 */
import type { RawImage } from '../../image/raw-image.js';
import { guidanceShape } from '../../settings/schema-guidance.js';
import type { DeforumSettings } from '../../settings/schema.js';

/** The guidance group of the settings schema is the one list of these names. */
const GUIDANCE_SETTING_NAMES = Object.keys(guidanceShape) as (keyof typeof guidanceShape)[];

export type GuidanceSettings = Pick<DeforumSettings, keyof typeof guidanceShape>;

/** The scales in the notebook's order of losses (`loss_fns_scales` in `generate()`). */
export const GUIDANCE_SCALES = [
  'clip_scale',
  'blue_scale',
  'mean_scale',
  'exposure_scale',
  'var_scale',
  'init_mse_scale',
  'colormatch_scale',
  'aesthetics_scale',
] as const satisfies readonly (keyof GuidanceSettings)[];

export interface GuidanceImages {
  /** RGB at W×H; needed when `init_mse_scale` ≠ 0. */
  init_mse_image: RawImage<'u8'> | null;
  /** RGB at its own size; needed when `colormatch_scale` ≠ 0. */
  colormatch_image: RawImage<'u8'> | null;
}

/** What a render fixes for guidance: its settings and the decoded images they name. */
export interface RenderGuidance {
  settings: GuidanceSettings;
  images: GuidanceImages;
}

export function guidanceSettingsOf(settings: DeforumSettings): GuidanceSettings {
  return Object.fromEntries(GUIDANCE_SETTING_NAMES.map((name) => [name, settings[name]])) as GuidanceSettings;
}

/** A loss is on when its scale is not 0 (negative scales invert it). */
export function isGuidanceActive(settings: Pick<GuidanceSettings, (typeof GUIDANCE_SCALES)[number]>): boolean {
  return GUIDANCE_SCALES.some((scale) => settings[scale] !== 0);
}

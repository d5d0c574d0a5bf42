/**
 * What the worker fleet can store: `deforum render` can write 16/32-bit frames and depth maps, but a worker keeps
 * 8-bit PNG frames only. The worker refuses such a job before its first frame (render-job.ts), so a job never
 * finishes with less than it asked for, and the bot runs the same check at submit (engine-checks.ts), so the
 * request fails while the modal can still be fixed.
 */
import { DeforumError } from '../core/errors.js';
import type { DeforumSettings } from '../core/settings/schema.js';

export type StorableSettings = Pick<
  DeforumSettings,
  'bit_depth_output' | 'save_depth_maps' | 'hybrid_composite' | 'hybrid_comp_mask_type'
>;

/** Throws `setting_unsupported` for the first setting the fleet cannot store, with the value that fixes it. */
export function checkStorable(settings: StorableSettings): void {
  const refuse = (setting: string, given: string, fix: string): never => {
    throw new DeforumError(
      { code: 'setting_unsupported', setting, given, reason: 'workers store 8-bit frames only' },
      `${setting} = ${given} is not stored by the worker fleet yet (it keeps 8-bit PNG frames only): ${fix}, ` +
        'or render this one locally with `deforum render`.',
    );
  };
  if (settings.bit_depth_output !== 8) {
    refuse('bit_depth_output', String(settings.bit_depth_output), 'set bit_depth_output = 8');
  }
  if (settings.save_depth_maps) refuse('save_depth_maps', 'true', 'set save_depth_maps = false');
  if (settings.hybrid_composite && settings.hybrid_comp_mask_type.includes('Depth')) {
    refuse(
      'hybrid_comp_mask_type',
      settings.hybrid_comp_mask_type,
      'set hybrid_comp_mask_type = None, Blend or Difference',
    );
  }
}

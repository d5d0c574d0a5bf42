/**
 * What the 2D/3D render loop can run today. A setting whose feature the loop does not perform yet is refused up
 * front with its name and what to change, instead of rendering a video that silently lacks it (issue 6: no
 * setting may quietly have no effect).
 */
import { DeforumError } from '../errors.js';
import type { DeforumSettings } from '../settings/schema.js';

export type AnimatedSettings = DeforumSettings & { animation_mode: '2D' | '3D' };

interface Unsupported {
  setting: string;
  given: string;
  reason: string;
}

function firstUnsupported(settings: DeforumSettings): Unsupported | undefined {
  const { animation_mode: mode } = settings;
  if (mode !== '2D' && mode !== '3D') {
    return {
      setting: 'animation_mode',
      given: mode,
      reason: "the render loop runs '2D' and '3D' animations; this mode is not built yet. Use '2D' or '3D'",
    };
  }
  if (settings.bit_depth_output !== 8) {
    return {
      setting: 'bit_depth_output',
      given: String(settings.bit_depth_output),
      reason: '16- and 32-bit frames are not written yet; set bit_depth_output to 8',
    };
  }
  if (settings.use_mask) {
    return {
      setting: 'use_mask',
      given: 'true',
      reason: 'masks in animations are not built yet; set use_mask to false',
    };
  }
  if (settings.hybrid_motion !== 'None' || settings.hybrid_composite) {
    const setting = settings.hybrid_composite ? 'hybrid_composite' : 'hybrid_motion';
    return {
      setting,
      given: String(settings[setting]),
      reason: "hybrid video is not built yet; set hybrid_motion to 'None' and hybrid_composite to false",
    };
  }
  if (settings.save_depth_maps) {
    return {
      setting: 'save_depth_maps',
      given: 'true',
      reason: 'depth maps are not saved yet; set save_depth_maps to false',
    };
  }
  if (settings.resume_from_timestring) {
    return {
      setting: 'resume_from_timestring',
      given: 'true',
      reason: 'resuming is not built yet; set resume_from_timestring to false to start a new run',
    };
  }
  if (settings.seed_behavior === 'schedule') {
    return {
      setting: 'seed_behavior',
      given: 'schedule',
      reason: "seed schedules are not built yet; use 'iter', 'fixed', 'random', 'ladder' or 'alternate'",
    };
  }
  return undefined;
}

/** The settings, narrowed to a 2D/3D render, or a `setting_unsupported` error naming the first setting in the way. */
export function checkRenderable(settings: DeforumSettings): AnimatedSettings {
  const problem = firstUnsupported(settings);
  if (problem === undefined) return settings as AnimatedSettings;
  throw new DeforumError(
    { code: 'setting_unsupported', ...problem },
    `${problem.setting} is ${problem.given}: ${problem.reason}.`,
  );
}

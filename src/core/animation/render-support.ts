/**
 * What the renderers can run today. A setting whose feature no renderer performs yet is refused up front with its
 * name and what to change, instead of rendering a video that silently lacks it (issue 6: no setting may quietly
 * have no effect).
 */
import { DeforumError } from '../errors.js';
import { guidanceRefusals } from '../diffusion/guidance/refused-guidance.js';
import type { DeforumSettings } from '../settings/schema.js';

export type AnimatedSettings = DeforumSettings & { animation_mode: '2D' | '3D' };

interface Unsupported {
  setting: string;
  given: string;
  reason: string;
}

function firstUnsupported(settings: DeforumSettings): Unsupported | undefined {
  if (settings.bit_depth_output === 32) {
    return {
      setting: 'bit_depth_output',
      given: '32',
      reason: 'float EXR frames are not written (no EXR encoder here); set bit_depth_output to 16 or 8',
    };
  }
  if (settings.bit_depth_output === 16 && settings.color_force_grayscale) {
    return {
      setting: 'color_force_grayscale',
      given: 'true',
      reason: 'forced grayscale is applied to 8-bit frames only; set bit_depth_output to 8, or turn it off',
    };
  }
  const animation = animationProblem(settings);
  if (animation !== undefined) return animation;
  if (settings.save_depth_maps) {
    return {
      setting: 'save_depth_maps',
      given: 'true',
      reason: 'depth maps are not saved yet; set save_depth_maps to false',
    };
  }
  if (settings.seed_behavior === 'schedule') {
    return {
      setting: 'seed_behavior',
      given: 'schedule',
      reason: "seed schedules are not built yet; use 'iter', 'fixed', 'random', 'ladder' or 'alternate'",
    };
  }
  const [guidance] = guidanceRefusals(settings);
  return guidance === undefined
    ? undefined
    : { setting: guidance.setting, given: guidance.given, reason: guidance.reason };
}

/** The parts of hybrid video (spec §12) the loop does not perform yet. */
function animationProblem(settings: DeforumSettings): Unsupported | undefined {
  if (!isHybridActive(settings)) return undefined;
  const maskType = settings.hybrid_comp_mask_type;
  if (settings.hybrid_composite && (maskType === 'Depth' || maskType === 'Video Depth')) {
    return {
      setting: 'hybrid_comp_mask_type',
      given: maskType,
      reason:
        'depth masks read saved depth pictures, and depth pictures are not saved yet; use None, Blend or Difference',
    };
  }
  if (settings.hybrid_use_video_as_mse_image && settings.init_mse_scale !== 0) {
    return {
      setting: 'hybrid_use_video_as_mse_image',
      given: 'true',
      reason:
        'the init_mse image is fixed for a whole render (guidance is built once), so it cannot follow the video; ' +
        'set init_mse_scale to 0 or hybrid_use_video_as_mse_image to false',
    };
  }
  return undefined;
}

/** Hybrid processing runs: a 2D/3D animation with `hybrid_composite` or a `hybrid_motion` (spec §12). */
export function isHybridActive(settings: DeforumSettings): boolean {
  const mode = settings.animation_mode;
  return (mode === '2D' || mode === '3D') && (settings.hybrid_composite || settings.hybrid_motion !== 'None');
}

/** The settings if every setting the run reads can be honoured, else a `setting_unsupported` error naming one. */
export function checkSupported(settings: DeforumSettings): DeforumSettings {
  const problem = firstUnsupported(settings);
  if (problem === undefined) return settings;
  throw unsupported(problem);
}

/** The settings, narrowed to a 2D/3D render, or a `setting_unsupported` error naming the first setting in the way. */
export function checkRenderable(settings: DeforumSettings): AnimatedSettings {
  const mode = settings.animation_mode;
  if (mode !== '2D' && mode !== '3D') {
    throw unsupported({
      setting: 'animation_mode',
      given: mode,
      reason:
        "the render loop runs '2D' and '3D' animations; Video Input, Interpolation and None render through " +
        'renderDeforum (`deforum render` without --preview)',
    });
  }
  checkSupported(settings);
  return settings as AnimatedSettings;
}

function unsupported(problem: Unsupported): DeforumError {
  return new DeforumError(
    { code: 'setting_unsupported', ...problem },
    `${problem.setting} is ${problem.given}: ${problem.reason}.`,
  );
}

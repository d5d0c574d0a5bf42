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

/** Hybrid video (2D/3D only, spec §12) and masks in 2D/3D, whose warps the loop does not perform yet. */
function animationProblem(settings: DeforumSettings): Unsupported | undefined {
  if (isHybridActive(settings)) {
    const setting = settings.hybrid_composite ? 'hybrid_composite' : 'hybrid_motion';
    return {
      setting,
      given: String(settings[setting]),
      reason: "hybrid video is not built yet; set hybrid_motion to 'None' and hybrid_composite to false",
    };
  }
  const mode = settings.animation_mode;
  if (settings.use_mask && (mode === '2D' || mode === '3D')) {
    return {
      setting: 'use_mask',
      given: 'true',
      reason:
        'masks in 2D/3D animations (the overlay warped with the camera) are not built yet; set use_mask to false ' +
        '(stills, Video Input and Interpolation take masks)',
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

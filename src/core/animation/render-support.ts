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
  if (settings.bit_depth_output === 32 && settings.animation_mode === 'None') {
    return {
      setting: 'bit_depth_output',
      given: '32',
      reason: 'still images are written as PNG only (EXR frames are written for animations); set it to 16 or 8',
    };
  }
  if (settings.bit_depth_output !== 8 && settings.color_force_grayscale) {
    return {
      setting: 'color_force_grayscale',
      given: 'true',
      reason: 'forced grayscale is applied to 8-bit frames only; set bit_depth_output to 8, or turn it off',
    };
  }
  const [guidance] = guidanceRefusals(settings);
  return guidance === undefined
    ? undefined
    : { setting: guidance.setting, given: guidance.given, reason: guidance.reason };
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

/**
 * Guidance settings this engine refuses before any model runs (issue 9, spec §18, §24 items 42 and 45), each
 * with why and what works instead, and the notebook's own guidance assertions (ddim/plms, missing images,
 * `grad_inject_timing`). Gradients that need a network cannot be computed yet: onnxruntime-node has no
 * autodiff and no exported gradient model exists, so `decode_method = 'autoencoder'`, `gradient_wrt = 'x'`,
 * CLIP and aesthetics guidance stop the run instead of rendering without them. `deforum settings check` lists
 * these; `checkRenderable` refuses them.
 */
import { DeforumError } from '../../errors.js';
import type { DeforumSettings } from '../../settings/schema.js';
import { GUIDANCE_SCALES, isGuidanceActive, type GuidanceSettings } from './guidance-settings.js';
import { injectTimingProblem } from './inject-timing.js';

export interface GuidanceRefusal {
  setting: string;
  given: string;
  /** Why, and what to do instead; the message is `${setting} is ${given}: ${reason}.` */
  reason: string;
  /** `unsupported`: the notebook runs it, this engine cannot yet; `invalid`: the notebook refuses it too. */
  kind: 'unsupported' | 'invalid';
}

const NO_AUTODIFF = 'needs the gradient of a neural network, and this engine has no gradient model for it yet';
const KEEP_LINEAR =
  'the closed-form losses work (blue_scale, mean_scale, var_scale, exposure_scale, init_mse_scale, colormatch_scale)';

/** The sampler a run's frames use: plms becomes klms with an init or in an animation (spec §0 step 7). */
function effectiveSampler(settings: DeforumSettings): string {
  const plmsReplaced = settings.sampler === 'plms' && (settings.use_init || settings.animation_mode !== 'None');
  return plmsReplaced ? 'klms' : settings.sampler;
}

type Add = (setting: string, given: unknown, reason: string, kind: GuidanceRefusal['kind']) => void;

function collector(): { refusals: GuidanceRefusal[]; add: Add } {
  const refusals: GuidanceRefusal[] = [];
  const add: Add = (setting, given, reason, kind) => {
    refusals.push({ setting, given: typeof given === 'string' ? `'${given}'` : JSON.stringify(given), reason, kind });
  };
  return { refusals, add };
}

/** The guidance settings this engine cannot run yet (only when some scale is not 0). */
export function unsupportedGuidance(settings: GuidanceSettings): GuidanceRefusal[] {
  const { refusals, add } = collector();
  if (!isGuidanceActive(settings)) return refusals;
  if (settings.clip_scale !== 0) {
    add(
      'clip_scale',
      settings.clip_scale,
      `CLIP guidance ${NO_AUTODIFF} (CLIP's image encoder); set clip_scale to 0 — ${KEEP_LINEAR}`,
      'unsupported',
    );
  }
  if (settings.aesthetics_scale !== 0) {
    add(
      'aesthetics_scale',
      settings.aesthetics_scale,
      `aesthetics guidance ${NO_AUTODIFF} (CLIP and the aesthetic head); set aesthetics_scale to 0 — ${KEEP_LINEAR}`,
      'unsupported',
    );
  }
  if (settings.decode_method === 'autoencoder') {
    add(
      'decode_method',
      settings.decode_method,
      `guidance through the VAE decoder ${NO_AUTODIFF}; use decode_method 'linear' (the default: the notebook's ` +
        'fixed latent-to-RGB map, exact gradients at latent resolution)',
      'unsupported',
    );
  }
  if (settings.gradient_wrt === 'x') {
    add(
      'gradient_wrt',
      settings.gradient_wrt,
      `a gradient with respect to x ${NO_AUTODIFF} (the UNet); use gradient_wrt 'x0_pred' (the default)`,
      'unsupported',
    );
  }
  return refusals;
}

/** ddim and plms with a guidance scale not 0: the notebook asserts against it. */
export function samplerRefusal(sampler: string, settings: GuidanceSettings): GuidanceRefusal | null {
  if (!isGuidanceActive(settings) || (sampler !== 'ddim' && sampler !== 'plms')) return null;
  const { refusals, add } = collector();
  const scales = GUIDANCE_SCALES.filter((scale) => settings[scale] !== 0).join(', ');
  add(
    'sampler',
    sampler,
    `conditioning gradients (${scales}) work with the k-diffusion samplers only, as in the notebook; use a ` +
      "sampler such as 'euler_ancestral' or 'dpmpp_2m', or set the guidance scales to 0",
    'invalid',
  );
  return refusals[0] ?? null;
}

/** Every guidance problem of a run, in the order a user should fix them. */
export function guidanceRefusals(settings: DeforumSettings): GuidanceRefusal[] {
  if (!isGuidanceActive(settings)) return [];
  const { refusals, add } = collector();
  refusals.push(...unsupportedGuidance(settings));
  const sampler = samplerRefusal(effectiveSampler(settings), settings);
  if (sampler !== null) refusals.push(sampler);
  if (settings.init_mse_scale !== 0 && settings.init_mse_image === '') {
    add(
      'init_mse_image',
      '',
      'init_mse_scale is not 0 and needs an image; give init_mse_image a file path or set init_mse_scale to 0',
      'invalid',
    );
  }
  if (settings.colormatch_scale !== 0 && settings.colormatch_image === '') {
    add(
      'colormatch_image',
      '',
      'colormatch_scale is not 0 and needs a palette image; give colormatch_image a file path or set ' +
        'colormatch_scale to 0',
      'invalid',
    );
  }
  const timing = injectTimingProblem(settings.grad_inject_timing, settings.steps);
  if (timing !== null) {
    add(
      'grad_inject_timing',
      settings.grad_inject_timing,
      `${timing}; use an integer n (every n-th step), a list of step numbers, a list of fractions 0…1, or null ` +
        '(every step)',
      'invalid',
    );
  }
  return refusals;
}

export function refusalMessage(refusal: GuidanceRefusal): string {
  return `${refusal.setting} is ${refusal.given}: ${refusal.reason}.`;
}

export function refusalError(refusal: GuidanceRefusal): DeforumError {
  const { setting, given, reason } = refusal;
  return new DeforumError({ code: 'setting_unsupported', setting, given, reason }, refusalMessage(refusal));
}

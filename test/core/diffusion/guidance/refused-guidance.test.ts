// Guidance settings refused before any model runs: exact messages, `deforum settings check` lists them, and
// checkRenderable (what `deforum render` and the worker call first) stops on them.
import { describe, expect, it } from 'vitest';
import { checkRenderable } from '../../../../src/core/animation/render-support.js';
import { guidanceRefusals, refusalMessage } from '../../../../src/core/diffusion/guidance/refused-guidance.js';
import { DeforumError } from '../../../../src/core/errors.js';
import { checkSettings } from '../../../../src/core/settings/check-settings.js';
import { DEFAULT_SETTINGS } from '../../../../src/core/settings/defaults.js';
import { deforumSettingsSchema, type DeforumSettings } from '../../../../src/core/settings/schema.js';

const defaults: DeforumSettings = deforumSettingsSchema.parse({ ...DEFAULT_SETTINGS, animation_mode: '2D' });
const with_ = (changes: Partial<DeforumSettings>): DeforumSettings => ({ ...defaults, ...changes });
const messages = (s: DeforumSettings) => guidanceRefusals(s).map(refusalMessage);

const LINEAR =
  'the closed-form losses work (blue_scale, mean_scale, var_scale, exposure_scale, init_mse_scale, colormatch_scale)';
const NO_GRAD = 'needs the gradient of a neural network, and this engine has no gradient model for it yet';

describe('guidanceRefusals', () => {
  it('refuses nothing when every scale is 0, whatever the other guidance settings say', () => {
    expect(messages(with_({ decode_method: 'autoencoder', gradient_wrt: 'x', sampler: 'ddim' }))).toEqual([]);
  });

  it.each([
    [
      { clip_scale: 1 },
      `clip_scale is 1: CLIP guidance ${NO_GRAD} (CLIP's image encoder); set clip_scale to 0 — ${LINEAR}.`,
    ],
    [
      { aesthetics_scale: -2 },
      `aesthetics_scale is -2: aesthetics guidance ${NO_GRAD} (CLIP and the aesthetic head); set aesthetics_scale to 0 — ${LINEAR}.`,
    ],
    [
      { blue_scale: 1, decode_method: 'autoencoder' },
      `decode_method is 'autoencoder': guidance through the VAE decoder ${NO_GRAD}; use decode_method 'linear' (the ` +
        "default: the notebook's fixed latent-to-RGB map, exact gradients at latent resolution).",
    ],
    [
      { mean_scale: 1, gradient_wrt: 'x' },
      `gradient_wrt is 'x': a gradient with respect to x ${NO_GRAD} (the UNet); use gradient_wrt 'x0_pred' (the default).`,
    ],
    [
      { var_scale: 2, exposure_scale: 1, sampler: 'ddim' },
      "sampler is 'ddim': conditioning gradients (exposure_scale, var_scale) work with the k-diffusion samplers only, " +
        "as in the notebook; use a sampler such as 'euler_ancestral' or 'dpmpp_2m', or set the guidance scales to 0.",
    ],
    [
      { blue_scale: 1, grad_inject_timing: 60 },
      'grad_inject_timing is 60: an integer must lie in 1…50; use an integer n (every n-th step), a list of step ' +
        'numbers, a list of fractions 0…1, or null (every step).',
    ],
    [
      { colormatch_scale: 1, colormatch_image: '' },
      "colormatch_image is '': colormatch_scale is not 0 and needs a palette image; give colormatch_image a file " +
        'path or set colormatch_scale to 0.',
    ],
  ] as [Partial<DeforumSettings>, string][])('%o', (changes, message) => {
    expect(messages(with_(changes))).toEqual([message]);
  });

  it('does not refuse plms in an animation, which runs klms (spec §0 step 7)', () => {
    expect(messages(with_({ blue_scale: 1, sampler: 'plms' }))).toEqual([]);
    expect(messages(with_({ blue_scale: 1, sampler: 'plms', animation_mode: 'None', use_init: false }))).toHaveLength(
      1,
    );
  });
});

describe('refusals reach the user before any model runs', () => {
  it('deforum settings check lists them', () => {
    const report = checkSettings({ ...DEFAULT_SETTINGS, clip_scale: 1, blue_scale: 1, gradient_wrt: 'x' });
    expect(report.errors).toEqual([]);
    expect(report.refused.map((issue) => issue.setting)).toEqual(['clip_scale', 'gradient_wrt']);
  });

  it('checkRenderable stops with a setting_unsupported error naming the setting', () => {
    let error: unknown;
    try {
      checkRenderable(with_({ aesthetics_scale: 1 }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'setting_unsupported', setting: 'aesthetics_scale' });
    expect((error as DeforumError).message).toBe(messages(with_({ aesthetics_scale: 1 }))[0]);
  });
});

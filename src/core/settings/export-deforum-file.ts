/**
 * Writes settings as a notebook `*_settings.txt` (spec §17.3): 4-space JSON, `args` keys then `anim_args` keys
 * in the notebook's order, prompts as `cond_prompts`/`uncond_prompts` with string frame keys and cadence as the
 * form's string. The notebook's load_args replaces only keys it knows, so run-time keys (timestring, outdir, …)
 * are left out for it to fill, and our additions (seed_schedule, the video cell's settings) come last, where it
 * ignores them and our importer reads them back.
 */
import { NOTEBOOK_ANIM_ARGS_KEYS, NOTEBOOK_ARGS_KEYS } from './notebook-keys.js';
import { isSettingName, SETTING_NAMES, type DeforumSettings, type SettingName } from './schema.js';

export function exportDeforumFile(settings: DeforumSettings): string {
  const file: Record<string, unknown> = {};
  const written = new Set<SettingName>(['prompts', 'neg_prompts']);
  for (const key of [...NOTEBOOK_ARGS_KEYS, ...NOTEBOOK_ANIM_ARGS_KEYS]) {
    if (key === 'cond_prompts') file[key] = settings.prompts;
    else if (key === 'uncond_prompts') file[key] = settings.neg_prompts;
    else if (isSettingName(key)) {
      file[key] = key === 'diffusion_cadence' ? String(settings.diffusion_cadence) : settings[key];
      written.add(key);
    }
  }
  for (const key of SETTING_NAMES) if (!written.has(key)) file[key] = settings[key];
  return `${JSON.stringify(file, null, 4)}\n`;
}

/**
 * The settings an animate request starts from, before the modal's fields go over them: an attached settings file
 * (notebook, A1111 or ours), else the chosen preset, else the notebook defaults as a 2D animation. A preset name
 * is looked up among the user's own presets first, then the built-in ones, so a user who saved a preset under a
 * built-in name gets theirs (autocomplete shows only that one).
 */
import { DeforumError } from '../../core/errors.js';
import { findPreset, listPresets } from '../../core/settings/presets.js';
import type { DraftData } from '../../jobs/draft-store.js';
import type { BotDeps } from '../deps.js';
import { importSettingsAttachment, type RequestProblem } from '../request/index.js';
import { downloadAttachment } from './attachments.js';

/**
 * Without a preset or a file: the notebook defaults, but as a 2D animation, since their `animation_mode` (None)
 * is a still image, which the bot does not render.
 */
const NO_PRESET: Readonly<Record<string, unknown>> = { animation_mode: '2D' };

export interface PresetBase {
  name: string;
  settings: Readonly<Record<string, unknown>>;
  /** The user preset's version; null for a built-in preset. */
  version: number | null;
}

export type AnimateBase =
  | {
      ok: true;
      settings: Readonly<Record<string, unknown>>;
      /** What the user would fix when the base itself has a problem. */
      field: 'preset' | 'settings';
      preset: PresetBase | null;
      warnings: string[];
    }
  | { ok: false; problems: RequestProblem[] };

export async function findAnyPreset(userId: string, name: string, deps: Pick<BotDeps, 'presets'>): Promise<PresetBase> {
  const own = (await deps.presets.list(userId, name)).find((preset) => preset.name === name);
  if (own !== undefined) return { name, settings: own.settings, version: own.version };
  try {
    return { name, settings: findPreset(name).settings, version: null };
  } catch (error) {
    if (!(error instanceof DeforumError)) throw error;
    const yours = (await deps.presets.list(userId)).map((preset) => preset.name);
    const known = [...yours, ...listPresets().map((preset) => preset.name)];
    throw new DeforumError(
      { code: 'preset_unknown', name, known },
      `There is no preset "${name}". Pick one from the list while typing, or one of: ${known.join(', ')}.`,
      { cause: error },
    );
  }
}

export async function loadAnimateBase(draft: DraftData, userId: string, deps: BotDeps): Promise<AnimateBase> {
  if (draft.fromJob !== undefined) {
    // Tweak: the job's own settings, so an edit changes only what was edited; its preset is kept as a label.
    const job = await deps.jobs.getJob(draft.fromJob);
    const preset =
      draft.preset === undefined ? null : { name: draft.preset, settings: {}, version: draft.presetVersion ?? null };
    return { ok: true, settings: job.settings, field: 'preset', preset, warnings: [] };
  }
  if (draft.settingsFile !== undefined) {
    const file = await downloadAttachment('settings', draft.settingsFile, { extraOrigins: deps.config.cdnOrigins });
    const imported = importSettingsAttachment(file.bytes.toString('utf8'), draft.settingsFile.name);
    if (!imported.ok) return imported;
    return { ok: true, settings: imported.settings, field: 'settings', preset: null, warnings: imported.warnings };
  }
  if (draft.preset === undefined) return { ok: true, settings: NO_PRESET, field: 'preset', preset: null, warnings: [] };
  const preset = await findPresetProblem(userId, draft.preset, deps);
  if ('problems' in preset) return preset;
  return { ok: true, settings: preset.settings, field: 'preset', preset, warnings: [] };
}

/** A preset deleted between the command and the submit is the user's to change, not an internal error. */
async function findPresetProblem(
  userId: string,
  name: string,
  deps: Pick<BotDeps, 'presets'>,
): Promise<PresetBase | { ok: false; problems: RequestProblem[] }> {
  try {
    return await findAnyPreset(userId, name, deps);
  } catch (error) {
    if (error instanceof DeforumError && error.details.code === 'preset_unknown') {
      return { ok: false, problems: [{ field: 'preset', message: error.message }] };
    }
    throw error;
  }
}

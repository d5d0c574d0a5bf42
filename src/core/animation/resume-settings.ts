/**
 * Which settings a resumed render must share with the run it continues. A checkpoint stores every setting that
 * can change a frame (as JSON text) and a resume with any of them changed is refused, naming each change: the
 * frames already written were made with the old values, so mixing would give a video that no single run makes.
 * Left out are the settings that cannot change a frame's pixels: the notebook's video-creation cell (the video is
 * encoded from all frames once the run ends, so a new fps or a GIF applies to the whole video), the resume switches
 * themselves, and the notebook's display toggles. `max_frames` is compared too: the schedules are expanded over
 * it, so a different count can move every interpolated value (spec §1.3); extend a run with
 * resume_from_timestring instead (spec §14), which starts from the last frame as the notebook does.
 */
import { DeforumError } from '../errors.js';
import type { DeforumSettings, SettingName } from '../settings/schema.js';
import { videoCreationShape } from '../settings/schema-video-creation.js';
import type { Checkpoint } from './checkpoint.js';

export const RESUME_FREE_SETTINGS: ReadonlySet<string> = new Set<SettingName>([
  ...(Object.keys(videoCreationShape) as SettingName[]),
  'resume_from_timestring',
  'resume_timestring',
  'display_samples',
  'show_sample_per_step',
]);

/** Longest value shown in the refusal; a prompt table can be long. */
const SHOWN_CHARS = 60;

export interface SettingChange {
  setting: string;
  /** The value as the run had it (JSON), or `(absent)`. */
  run: string;
  /** The value now (JSON), or `(absent)`. */
  now: string;
}

/** The settings a checkpoint stores, each as its JSON text. */
export function frameShapingSettings(settings: DeforumSettings): Record<string, string> {
  const entries = Object.entries(settings).filter(([name]) => !RESUME_FREE_SETTINGS.has(name));
  return Object.fromEntries(entries.map(([name, value]) => [name, JSON.stringify(value) ?? 'null']));
}

/** Every frame-shaping setting whose value differs between the run and `settings`, in the run's key order. */
export function settingChanges(run: Readonly<Record<string, string>>, settings: DeforumSettings): SettingChange[] {
  const now = frameShapingSettings(settings);
  const names = [...new Set([...Object.keys(run), ...Object.keys(now)])];
  return names.flatMap((setting) => {
    const before = run[setting] ?? '(absent)';
    const after = now[setting] ?? '(absent)';
    return before === after ? [] : [{ setting, run: before, now: after }];
  });
}

/** Throws `resume_settings_changed` listing every change when `settings` cannot continue `checkpoint`. */
export function checkResumeSettings(checkpoint: Checkpoint, settings: DeforumSettings): void {
  const changes = settingChanges(checkpoint.settings, settings);
  if (changes.length === 0) return;
  const shown = (text: string): string => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text);
  const lines = changes.map((c) => `  ${c.setting}: ${shown(c.now)} (the run had ${shown(c.run)})`);
  throw new DeforumError(
    { code: 'resume_settings_changed', changes },
    `these settings differ from the run being resumed, so its remaining frames would not match the ones written:\n` +
      `${lines.join('\n')}\nResume with the run's own settings, or start a new render to use the new ones.`,
  );
}

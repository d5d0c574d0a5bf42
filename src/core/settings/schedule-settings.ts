/**
 * Which settings are keyframe schedules, when a run uses each, and their syntax check. The notebook parses
 * every schedule even when unused, so a broken hybrid or sampler schedule aborts a plain 2D run (spec §24
 * item 5); we fix that: a broken schedule is an error only when the run would read it, otherwise a warning.
 */
import type { SettingsIssue } from '../errors.js';
import { DeforumError } from '../errors.js';
import { expandFiniteSchedule } from '../schedule/expand-finite.js';
import { checkSchedule, type ExpandScheduleOptions } from '../schedule/index.js';
import { displayValue } from './display-value.js';
import { settingsShape, type SettingName } from './schema.js';

/** Settings before or after validation: the predicates only compare values, so both are safe to read. */
type SettingsLike = Readonly<Record<string, unknown>>;
type InUse = (s: SettingsLike) => boolean;

const isAnimated: InUse = (s) => s.animation_mode === '2D' || s.animation_mode === '3D';
const is2D: InUse = (s) => s.animation_mode === '2D';
const is3D: InUse = (s) => s.animation_mode === '3D';
const usesFlip: InUse = (s) => is2D(s) && s.flip_2d_perspective === true;
const usesHybrid: InUse = (s) =>
  isAnimated(s) && (s.hybrid_composite === true || (s.hybrid_motion ?? 'None') !== 'None');
const usesSamplerSchedule: InUse = (s) =>
  s.enable_schedule_samplers === true && (isAnimated(s) || s.animation_mode === 'Video Input');

/** Every schedule setting with its value kind and the condition under which a run reads it. */
export const SCHEDULE_SETTINGS: Readonly<Partial<Record<SettingName, { kind: 'number' | 'string'; inUse: InUse }>>> = {
  angle: { kind: 'number', inUse: is2D },
  zoom: { kind: 'number', inUse: is2D },
  translation_x: { kind: 'number', inUse: isAnimated },
  translation_y: { kind: 'number', inUse: isAnimated },
  translation_z: { kind: 'number', inUse: is3D },
  rotation_3d_x: { kind: 'number', inUse: is3D },
  rotation_3d_y: { kind: 'number', inUse: is3D },
  rotation_3d_z: { kind: 'number', inUse: is3D },
  perspective_flip_theta: { kind: 'number', inUse: usesFlip },
  perspective_flip_phi: { kind: 'number', inUse: usesFlip },
  perspective_flip_gamma: { kind: 'number', inUse: usesFlip },
  perspective_flip_fv: { kind: 'number', inUse: usesFlip },
  noise_schedule: { kind: 'number', inUse: isAnimated },
  strength_schedule: { kind: 'number', inUse: isAnimated },
  contrast_schedule: { kind: 'number', inUse: isAnimated },
  kernel_schedule: { kind: 'number', inUse: isAnimated },
  sigma_schedule: { kind: 'number', inUse: isAnimated },
  amount_schedule: { kind: 'number', inUse: isAnimated },
  threshold_schedule: { kind: 'number', inUse: isAnimated },
  sampler_schedule: { kind: 'string', inUse: usesSamplerSchedule },
  hybrid_comp_alpha_schedule: { kind: 'number', inUse: usesHybrid },
  hybrid_comp_mask_blend_alpha_schedule: { kind: 'number', inUse: usesHybrid },
  hybrid_comp_mask_contrast_schedule: { kind: 'number', inUse: usesHybrid },
  hybrid_comp_mask_auto_contrast_cutoff_high_schedule: { kind: 'number', inUse: usesHybrid },
  hybrid_comp_mask_auto_contrast_cutoff_low_schedule: { kind: 'number', inUse: usesHybrid },
  seed_schedule: { kind: 'number', inUse: (s) => s.seed_behavior === 'schedule' },
};

/**
 * The variables a schedule may use besides `t`: only the seed schedule has the A1111 extension's `s` (the
 * run's first seed) and `max_f` (the last frame index).
 */
export function scheduleVariables(
  setting: SettingName,
  seed: number,
  maxFrames: number,
): Readonly<Record<string, number>> | undefined {
  return setting === 'seed_schedule' ? { s: seed, max_f: maxFrames - 1 } : undefined;
}

export function isScheduleInUse(setting: SettingName, settings: SettingsLike): boolean {
  return SCHEDULE_SETTINGS[setting]?.inUse(settings) ?? false;
}

/** Checks the syntax of every schedule string; returns errors for schedules the run reads, warnings otherwise. */
export function checkSettingSchedules(settings: SettingsLike): { errors: SettingsIssue[]; warnings: SettingsIssue[] } {
  const errors: SettingsIssue[] = [];
  const warnings: SettingsIssue[] = [];
  const maxFrames =
    typeof settings.max_frames === 'number' && settings.max_frames >= 1 ? Math.trunc(settings.max_frames) : 1;
  const seed = typeof settings.seed === 'number' && settings.seed >= 0 ? settings.seed : 0;
  for (const [name, entry] of Object.entries(SCHEDULE_SETTINGS) as [
    SettingName,
    { kind: 'number' | 'string'; inUse: InUse },
  ][]) {
    const text: unknown = settings[name];
    if (typeof text !== 'string') continue;
    const variables = scheduleVariables(name, seed, maxFrames);
    const result = checkSchedule(
      text,
      variables === undefined ? { setting: name, kind: entry.kind } : { setting: name, kind: entry.kind, variables },
    );
    const used = entry.inUse(settings);
    if (result.ok && used && entry.kind === 'number') {
      const problem = expansionProblem(text, maxFrames, { setting: name, ...(variables && { variables }) });
      if (problem !== undefined) errors.push({ setting: name, message: problem.message, given: displayValue(text) });
      continue;
    }
    if (result.ok) continue;
    const issue: SettingsIssue = {
      setting: name,
      message: used ? result.error.message : `${result.error.message} (not used by this run, so only a warning)`,
      given: displayValue(text),
    };
    const allowed = settingsShape[name].description;
    if (allowed !== undefined) issue.allowed = allowed;
    (used ? errors : warnings).push(issue);
  }
  return { errors, warnings };
}

/** A used schedule must also evaluate on every frame of the run to a finite number (division by zero, log 0). */
function expansionProblem(text: string, maxFrames: number, options: ExpandScheduleOptions): DeforumError | undefined {
  try {
    expandFiniteSchedule(text, maxFrames, options);
    return undefined;
  } catch (error) {
    if (error instanceof DeforumError) return error;
    throw error;
  }
}

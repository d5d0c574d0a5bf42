/**
 * Imports a settings file saved by the Automatic1111 Deforum extension: keys with the same meaning are kept,
 * renamed keys and option values are translated (a1111-names.ts), `--neg` prompts are split, `max_f` frame keys
 * are evaluated, constant schedules become plain settings, and every key with no equivalent is reported by
 * name and feature (not an error: the rest of the file still renders).
 */
import { A1111_COLOR_COHERENCE, A1111_CONSTANT_SCHEDULES, A1111_RENAMED_KEYS, A1111_SAMPLERS } from './a1111-names.js';
import { splitA1111Prompts } from './a1111-prompts.js';
import { constantScheduleValue, rewriteA1111Schedule } from './a1111-schedules.js';
import { groupUnmappedKeys } from './a1111-unmapped.js';
import type { ImportedSettings } from './import-result.js';
import { NOTEBOOK_RUNTIME_KEYS } from './notebook-keys.js';
import { SCHEDULE_SETTINGS } from './schedule-settings.js';
import { settingsShape, isSettingName } from './schema.js';

const RUNTIME_KEYS: ReadonlySet<string> = new Set(NOTEBOOK_RUNTIME_KEYS);
/** Read here and folded into other settings, so neither kept nor unmapped. */
const CONSUMED_KEYS: ReadonlySet<string> = new Set(['positive_prompts', 'negative_prompts']);

export function importA1111File(json: Readonly<Record<string, unknown>>): ImportedSettings {
  const settings: Record<string, unknown> = {};
  const notes: string[] = [];
  const unmapped: string[] = [];
  const runtimeKeys: string[] = [];
  const maxFrames = typeof json.max_frames === 'number' && json.max_frames >= 1 ? Math.trunc(json.max_frames) : 1;

  for (const [key, value] of Object.entries(json)) {
    const target = A1111_RENAMED_KEYS[key] ?? key;
    const constantTarget = A1111_CONSTANT_SCHEDULES[key];
    if (CONSUMED_KEYS.has(key)) continue;
    if (RUNTIME_KEYS.has(key)) runtimeKeys.push(key);
    else if (constantTarget !== undefined) {
      const constant = constantScheduleValue(value);
      if (constant === undefined) unmapped.push(key);
      else settings[constantTarget] = constant;
    } else if (isSettingName(target)) settings[target] = translateValue(target, value, maxFrames, notes);
    else unmapped.push(key);
  }

  const prompts = json.prompts ?? json.animation_prompts;
  if (typeof prompts === 'object' && prompts !== null && !Array.isArray(prompts)) {
    const split = splitA1111Prompts(prompts as Record<string, unknown>, {
      maxFrames,
      positive: typeof json.positive_prompts === 'string' ? json.positive_prompts : '',
      negative: typeof json.negative_prompts === 'string' ? json.negative_prompts : '',
    });
    settings.prompts = split.prompts;
    settings.neg_prompts = split.neg_prompts;
    notes.push(
      'prompts: the text after --neg became neg_prompts; positive_prompts/negative_prompts were added to every frame',
      ...split.notes,
    );
  }
  if (typeof json.noise_schedule === 'string') {
    notes.push('noise_schedule: the extension blends noise into the frame, the notebook adds it; the values are kept');
  }
  return { format: 'a1111', settings, notes, unmapped: groupUnmappedKeys(unmapped), runtimeKeys };
}

function translateValue(setting: string, value: unknown, maxFrames: number, notes: string[]): unknown {
  if (setting === 'sampler' && typeof value === 'string') return translateSampler(value, notes);
  if (setting === 'color_coherence' && typeof value === 'string') {
    const mapped = A1111_COLOR_COHERENCE[value];
    if (mapped === undefined) notes.push(`color_coherence '${value}' has no equivalent; kept as given`);
    return mapped ?? value;
  }
  if (setting === 'hybrid_composite' && typeof value === 'string') {
    // The extension's composite modes ('Normal', 'Before Motion', 'After Generation') all mean "on" here.
    if (value !== 'None' && value !== 'Normal')
      notes.push(`hybrid_composite '${value}' is imported as the notebook's composite (true)`);
    return value !== 'None';
  }
  if (setting === 'hybrid_flow_method' && typeof value === 'string' && !isAllowedOption(setting, value)) {
    notes.push(`hybrid_flow_method '${value}' has no equivalent; the default 'DIS Medium' is used`);
    return 'DIS Medium';
  }
  if (typeof value === 'string' && Object.hasOwn(SCHEDULE_SETTINGS, setting)) {
    const mapValue =
      setting === 'sampler_schedule'
        ? (text: string) => `'${translateSampler(text.replace(/^["']|["']$/g, ''), notes)}'`
        : undefined;
    const rewritten = rewriteA1111Schedule(
      value,
      mapValue === undefined ? { setting, maxFrames } : { setting, maxFrames, mapValue },
    );
    if (rewritten !== value && setting !== 'sampler_schedule') notes.push(`${setting}: ${value} → ${rewritten}`);
    return rewritten;
  }
  return value;
}

function translateSampler(name: string, notes: string[]): string {
  const mapped = A1111_SAMPLERS[name];
  if (mapped === undefined) notes.push(`sampler '${name}' has no equivalent; kept as given`);
  else if (name.endsWith('Karras'))
    notes.push(`sampler '${name}' becomes '${mapped}' (Karras sigma spacing is not available)`);
  return mapped ?? name;
}

function isAllowedOption(setting: string, value: string): boolean {
  return isSettingName(setting) && settingsShape[setting].safeParse(value).success;
}

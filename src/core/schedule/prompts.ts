/**
 * Frame-keyed prompts and negative prompts: normalising the `prompts` / `neg_prompts` settings, choosing the
 * prompt pair of each animation frame, and pairing prompts for a still-image batch.
 *
 * Matches Deforum v0.7.1 (spec §3): `helpers/prompts.py` `Prompts(prompt, neg_prompt).as_dict()` (pydantic v1),
 * the `pd.Series(max_frames)` + `ffill().bfill()` selection of `render_animation`, and the list pairing of
 * `render_image_batch`. There is no prompt weighting, blending or `AND` here because v0.7.1 has none: its
 * weighting parser is dead code, so `(word:1.2)` or `text:0.5` reach the text encoder as plain tokens (§3.1).
 * Spec §24 item 6 is kept (B): list prompts are keyed by list index, and a key ≥ max_frames only matters when
 * no key falls inside the animation (pandas appends it after the last frame, so only `bfill` can reach it).
 */
import { DeforumError, type SettingsIssue } from '../errors.js';

/** A `prompts` / `neg_prompts` setting: one text, a list (index = frame), or frame → text in file order. */
export type PromptSetting = string | readonly string[] | ReadonlyMap<number | string, string>;

/** Frame → text, in the order given: Python dict order decides still-batch pairing and which late key bfill uses. */
export type PromptTable = ReadonlyMap<number, string>;

export interface PromptTables {
  cond: PromptTable;
  uncond: PromptTable;
}

export interface PromptPair {
  cond: string;
  uncond: string;
}

type PromptSettingName = 'prompts' | 'neg_prompts';

const INTEGER_KEY = /^\s*[+-]?\d+\s*$/;

/**
 * `Prompts(prompts, neg_prompts).as_dict()`. An empty list or dict becomes `{0: ""}`; a string negative prompt
 * (and a missing one) is keyed by the first cond key, so it applies from the first prompt on.
 */
export function normalisePrompts(prompts: PromptSetting, negPrompts: PromptSetting = ''): PromptTables {
  const issues: SettingsIssue[] = [];
  const cond = toTable(prompts, 0, 'prompts', issues);
  const firstCondKey = cond.keys().next().value ?? 0;
  const uncond = toTable(negPrompts, firstCondKey, 'neg_prompts', issues);
  if (issues.length > 0) {
    throw new DeforumError({ code: 'settings_invalid', issues }, issues.map((i) => i.message).join('\n'));
  }
  return { cond, uncond };
}

/** The cond/uncond pair of every frame 0 … maxFrames−1 of an animation (2D, 3D, Video Input). */
export function promptsPerFrame(tables: PromptTables, maxFrames: number): PromptPair[] {
  const cond = fillFrames(tables.cond, maxFrames, 'prompts');
  const uncond = fillFrames(tables.uncond, maxFrames, 'neg_prompts');
  return cond.map((text, frame) => ({ cond: text, uncond: uncond[frame] ?? '' }));
}

/**
 * The prompt pairs of a still-image batch (`animation_mode = 'None'`): frame keys are ignored, values are taken in
 * order, and the negative list is padded with its last item or cut to the length of the prompt list.
 */
export function pairBatchPrompts(tables: PromptTables): PromptPair[] {
  const uncond = [...tables.uncond.values()];
  const lastUncond = uncond.at(-1) ?? '';
  return [...tables.cond.values()].map((cond, i) => ({ cond, uncond: uncond[i] ?? lastUncond }));
}

function toTable(
  setting: PromptSetting,
  stringKey: number,
  name: PromptSettingName,
  issues: SettingsIssue[],
): Map<number, string> {
  if (typeof setting === 'string') return new Map([[stringKey, setting]]);
  if (isPromptList(setting)) {
    return setting.length === 0 ? new Map([[0, '']]) : new Map(setting.map((text, i) => [i, text]));
  }
  if (setting.size === 0) return new Map([[0, '']]);
  const table = new Map<number, string>();
  for (const [key, text] of setting) {
    const frame = parseFrameKey(key);
    if (frame === undefined) {
      issues.push({
        setting: name,
        message: `${name}: the key ${JSON.stringify(key)} is not a frame number. Use whole frame numbers 0, 1, 2, … as keys (expressions are not supported).`,
        given: String(key),
        allowed: 'an integer ≥ 0',
      });
    } else {
      // Python dict semantics, as pydantic rebuilds the dict: a repeated key ("0" and 0) keeps its first
      // position and its last text.
      table.set(frame, text);
    }
  }
  return table;
}

function isPromptList(setting: PromptSetting): setting is readonly string[] {
  return Array.isArray(setting);
}

/**
 * The original accepts negative keys, but pandas appends them after the last frame where they silently act like
 * keys beyond max_frames; they are almost certainly typos, so they are rejected (docs/deviations.md).
 */
function parseFrameKey(key: number | string): number | undefined {
  const frame = typeof key === 'number' ? key : INTEGER_KEY.test(key) ? Number(key) : NaN;
  return Number.isSafeInteger(frame) && frame >= 0 ? frame : undefined;
}

function fillFrames(table: PromptTable, maxFrames: number, name: PromptSettingName): string[] {
  const frames: (string | undefined)[] = Array.from({ length: maxFrames }, () => undefined);
  let firstBeyond: string | undefined;
  for (const [frame, text] of table) {
    if (frame < maxFrames) frames[frame] = text;
    else firstBeyond ??= text;
  }
  const firstInside = frames.find((text) => text !== undefined);
  const backFill = firstInside ?? firstBeyond;
  if (backFill === undefined) {
    throw new DeforumError(
      { code: 'settings_invalid', issues: [{ setting: name, message: `${name}: no prompt given.` }] },
      `${name}: no prompt given. Give at least one prompt, e.g. {"0": "a lake at dawn"}.`,
    );
  }
  let current = backFill;
  return frames.map((text) => (current = text ?? current));
}

/**
 * The Overrides field: one `key = value` per line, `#` starts a comment line. A value is JSON where it is JSON
 * (numbers, true/false, "strings", arrays, null) and the raw text otherwise, so schedules such as
 * `0:(1.02), 30:(1.0)` stay text. Keys must be Deforum settings (did-you-mean for typos); keys naming paths are
 * refused, and so, in the animate modal, are keys with a modal field of their own (a preset saved from override
 * text is settings, so it may set its length, seed and prompts). Every problem is reported at once; values are
 * checked later, on the merged settings (build-animate-settings.ts).
 */
import { didYouMean } from '../../core/settings/did-you-mean.js';
import { isSettingName, SETTING_NAMES } from '../../core/settings/schema.js';
import type { RequestProblem } from './animate-request.js';
import { refusedOverride } from './refused-overrides.js';

export type OverrideLinesResult =
  { ok: true; values: Record<string, unknown> } | { ok: false; problems: RequestProblem[] };

export interface OverrideLinesOptions {
  /** Settings typed somewhere else, by where to type them: refused here so there is one way to set each. */
  setElsewhere?: Readonly<Record<string, string>>;
}

/** The settings the animate modal has a field of its own for. */
export const MODAL_FIELD_SETTINGS: Readonly<Record<string, string>> = {
  prompts: 'the Prompts field (`0: a red fox | blurry`)',
  neg_prompts: 'the Prompts field (`0: a red fox | blurry`) or the Negative field',
  max_frames: 'the Max frames field',
  seed: 'the Seed field',
};

export function parseOverrideLines(text: string, options: OverrideLinesOptions = {}): OverrideLinesResult {
  const { values, problems } = readOverrideLines(text, options);
  return problems.length === 0 ? { ok: true, values } : { ok: false, problems };
}

/** The good lines' values and the bad lines' problems, so later checks still see the good lines. */
export function readOverrideLines(
  text: string,
  options: OverrideLinesOptions = {},
): { values: Record<string, unknown>; problems: RequestProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: RequestProblem[] = [];
  const problem = (message: string): void => {
    problems.push({ field: 'overrides', message });
  };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const equals = line.indexOf('=');
    const key = equals < 0 ? '' : line.slice(0, equals).trim();
    if (equals < 0 || key === '') {
      problem(
        `Line ${index + 1} \`${line.slice(0, 60)}\` is not \`setting = value\`. Write it like \`zoom = 0:(1.02)\`.`,
      );
      return;
    }
    const value = parseValue(line.slice(equals + 1).trim());
    const keyProblem = checkKey(key, value, Object.hasOwn(values, key), options.setElsewhere ?? {});
    if (keyProblem === null) values[key] = value;
    else problem(keyProblem);
  });
  return { values, problems };
}

function checkKey(
  key: string,
  value: unknown,
  repeated: boolean,
  setElsewhere: Readonly<Record<string, string>>,
): string | null {
  const refused = refusedOverride(key, value);
  if (refused !== null) return refused.message;
  const own = Object.hasOwn(setElsewhere, key) ? setElsewhere[key] : undefined;
  if (own !== undefined) return `${key} is set in ${own}, not in Overrides. Remove the \`${key}\` line.`;
  if (!isSettingName(key)) {
    const suggestion = didYouMean(key, SETTING_NAMES);
    return suggestion === undefined
      ? `${key} is not a Deforum setting. Check its spelling or remove the line.`
      : `${key} is not a Deforum setting. Did you mean \`${suggestion}\`?`;
  }
  if (repeated) return `${key} is set twice. Keep one \`${key}\` line.`;
  return null;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Rewrites an A1111 schedule into our keyframe syntax: expression keys (`"max_f-2"`) become frame numbers,
 * `max_f` in values becomes its number, keys are sorted (a later duplicate wins, as in both originals) and
 * string values get the notebook's quoting. A schedule that needs none of this is returned unchanged.
 */
import { evaluateFrameKey, substituteMaxF } from './a1111-frame-keys.js';

export interface ScheduleEntry {
  key: string;
  value: string;
}

/** Splits `k:(v), k:(v)` at top-level commas (outside parentheses and quotes), then each entry at its first colon. */
export function splitScheduleEntries(text: string): ScheduleEntry[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  const entries: ScheduleEntry[] = [];
  for (const part of parts.filter((p) => p.trim() !== '')) {
    const match = /^\s*("[^"]*"|'[^']*'|[^:]*?)\s*:\s*\((.*)\)\s*$/s.exec(part);
    if (match === null) return undefined;
    entries.push({ key: match[1] ?? '', value: match[2] ?? '' });
  }
  return entries;
}

export function rewriteA1111Schedule(
  text: string,
  options: { setting: string; maxFrames: number; mapValue?: (value: string) => string },
): string {
  const entries = splitScheduleEntries(text);
  if (entries === undefined) return text;
  const needsRewrite =
    options.mapValue !== undefined ||
    entries.some((entry) => !/^\d+$/.test(entry.key.trim()) || /\bmax_f\b/.test(entry.value));
  if (!needsRewrite) return text;
  const byFrame = new Map<number, string>();
  for (const entry of entries) {
    const frame = evaluateFrameKey(entry.key, options.maxFrames, options.setting);
    if (frame === undefined || frame < 0) return text;
    const value = substituteMaxF(entry.value.trim(), options.maxFrames);
    byFrame.set(frame, options.mapValue === undefined ? value : options.mapValue(value));
  }
  return [...byFrame.entries()]
    .sort(([a], [b]) => a - b)
    .map(([frame, value]) => `${frame}:(${value})`)
    .join(', ');
}

/** The number of a schedule with one keyframe at frame 0 and a plain numeric value, e.g. "0: (7)". */
export function constantScheduleValue(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^\s*0\s*:\s*\(\s*([-+]?(\d+\.?\d*|\.\d+))\s*\)\s*,?\s*$/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

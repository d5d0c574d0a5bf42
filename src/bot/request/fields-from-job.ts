/**
 * The modal's fields refilled from a finished job, for Tweak: the prompts the job rendered (one `N: positive |
 * negative` line per key frame, so submitting unchanged renders the same prompts), the Overrides and Negative
 * text the user typed (kept in `jobs.request`), the job's max_frames and its seed (empty when it was random). A frame's negative prompt is
 * looked up the way the render does (promptsPerFrame: fill forward, then back), and the Negative field the user
 * typed is taken back out of each line so it is not added twice on resubmit.
 */
import { normalisePrompts, promptsPerFrame } from '../../core/schedule/prompts.js';
import { parseSettings } from '../../core/settings/parse-settings.js';
import type { JobRecord } from '../../jobs/job-record.js';
import type { AnimateFields, StoredAnimateRequest } from './animate-request.js';

export function fieldsFromJob(job: Pick<JobRecord, 'settings' | 'request'>): AnimateFields {
  const typed = storedAnimateFields(job.request);
  const parsed = parseSettings(job.settings);
  if (!parsed.ok) return typed ?? { prompts: '', negative: '', overrides: '', max_frames: '', seed: '' };
  const { settings } = parsed;
  const keys = [...new Set([...Object.keys(settings.prompts), ...Object.keys(settings.neg_prompts)].map(Number))].sort(
    (a, b) => a - b,
  );
  const toMap = (table: Readonly<Record<string, string>>) =>
    new Map(Object.entries(table).map(([k, v]) => [Number(k), v]));
  const pairs = promptsPerFrame(
    normalisePrompts(toMap(settings.prompts), toMap(settings.neg_prompts)),
    Math.max(settings.max_frames, (keys.at(-1) ?? 0) + 1),
  );
  const typedNegative = typed?.negative.trim() ?? '';
  const lines = keys.map((frame) => ({ frame, cond: pairs[frame]?.cond ?? '', uncond: pairs[frame]?.uncond ?? '' }));
  const negativeShared = typedNegative !== '' && lines.every((line) => endsWithNegative(line.uncond, typedNegative));
  const prompts = lines.map(({ frame, cond, uncond }) => {
    const own = negativeShared ? withoutNegative(uncond, typedNegative) : uncond;
    return own === '' ? `${frame}: ${cond}` : `${frame}: ${cond} | ${own}`;
  });
  return {
    prompts: prompts.join('\n'),
    negative: negativeShared ? typedNegative : '',
    overrides: typed?.overrides ?? '',
    max_frames: String(settings.max_frames),
    seed: settings.seed === -1 ? '' : String(settings.seed),
  };
}

/** The fields as typed, from a job's `jobs.request` written for an animate job (StoredAnimateRequest). */
export function storedAnimateFields(request: JobRecord['request']): AnimateFields | undefined {
  if (request === null || request['kind'] !== 'animate') return undefined;
  const fields = (request as Partial<StoredAnimateRequest>).fields;
  if (typeof fields !== 'object' || fields === null) return undefined;
  const text = (key: keyof AnimateFields): string => (typeof fields[key] === 'string' ? fields[key] : '');
  return {
    prompts: text('prompts'),
    negative: text('negative'),
    overrides: text('overrides'),
    max_frames: text('max_frames'),
    seed: text('seed'),
  };
}

/** prompt-lines.ts joins a line's negative and the Negative field with ", ". */
function endsWithNegative(text: string, negative: string): boolean {
  return text === negative || text.endsWith(`, ${negative}`);
}

function withoutNegative(text: string, negative: string): string {
  return text === negative ? '' : text.slice(0, -`, ${negative}`.length);
}

/**
 * The types of an `/deforum animate` request: the five text fields of the modal, what they are checked against,
 * and the result (settings ready to enqueue, or every problem at once, each tied to the field to fix).
 */
import type { DeforumSettings } from '../../core/settings/schema.js';
import type { QuotaLimits } from '../../jobs/store-config.js';

/** The modal's text inputs, by their ids, as typed. */
export interface AnimateFields {
  prompts: string;
  negative: string;
  overrides: string;
  max_frames: string;
  seed: string;
}

/** The modal's text input ids, in the order the modal shows them. */
export const ANIMATE_FIELD_IDS = [
  'prompts',
  'negative',
  'overrides',
  'max_frames',
  'seed',
] as const satisfies readonly (keyof AnimateFields)[];

/**
 * Where a problem is: a modal field, the chosen preset, one of the attachments, or `request` for a refusal of the
 * request as a whole (the requester's quota, too many jobs at once) that no single field fixes.
 */
export type RequestField = keyof AnimateFields | 'request' | 'preset' | 'settings' | 'init_image' | 'mask' | 'video';

/** One thing wrong with a request; `message` says what is wrong and how to fix it. */
export interface RequestProblem {
  field: RequestField;
  message: string;
}

export interface AnimateInput {
  /** The preset's or settings file's Deforum settings (already imported). */
  base: Readonly<Record<string, unknown>>;
  /** Where `base` came from, so its problems point at the right thing: the chosen preset (default) or the attached settings file. */
  baseField?: 'preset' | 'settings';
  fields: AnimateFields;
  /** This server's caps on W, H, steps and max_frames. */
  limits: QuotaLimits;
  /** The server's prompt blocklist, lower-case. */
  blockedTerms: readonly string[];
  /** Which files came with the request (checked and stored by services/attachments.ts). */
  attachments: { init: boolean; mask: boolean; video: boolean };
}

export type AnimateResult =
  | {
      ok: true;
      settings: DeforumSettings;
      /** The override lines as parsed, kept in the job's request so Tweak shows them again. */
      overrides: Record<string, unknown>;
      warnings: string[];
    }
  | { ok: false; problems: RequestProblem[] };

/** What the bot stores in `jobs.request` for an animate job, so Tweak and re-render start from what was typed. */
export interface StoredAnimateRequest {
  kind: 'animate';
  preset: string | null;
  fields: AnimateFields;
}

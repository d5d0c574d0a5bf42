/**
 * The custom ids of the bot's modals and buttons, parsed once into a typed union (Sapphire's parse-then-run):
 * handlers receive the parsed value, never the raw string. Each id names a draft or a job by its UUID, so a
 * button keeps working after a restart; a string this bot did not make parses to null.
 */

/** Discord's limit on a component's custom_id. */
export const MAX_CUSTOM_ID_LENGTH = 100;

const PREFIX = 'deforum';

export const DRAFT_ID_KINDS = ['animate', 'reopen'] as const;
export const JOB_ID_KINDS = ['cancel', 'rerender', 'newseed', 'tweak', 'resume'] as const;

export type DraftIdKind = (typeof DRAFT_ID_KINDS)[number];
export type JobIdKind = (typeof JOB_ID_KINDS)[number];

export type CustomId = { kind: DraftIdKind; draftId: string } | { kind: JobIdKind; jobId: string };
export type CustomIdKind = CustomId['kind'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCustomId(id: CustomId): string {
  const target = 'draftId' in id ? id.draftId : id.jobId;
  if (!UUID.test(target)) throw new RangeError(`custom id target '${target}' is not a lower-case UUID`);
  return `${PREFIX}:${id.kind}:${target}`;
}

export function parseCustomId(raw: string): CustomId | null {
  if (raw.length > MAX_CUSTOM_ID_LENGTH) return null;
  const [prefix, kind, target, ...rest] = raw.split(':');
  if (prefix !== PREFIX || target === undefined || rest.length > 0 || !UUID.test(target)) return null;
  const draftKind = DRAFT_ID_KINDS.find((candidate) => candidate === kind);
  if (draftKind !== undefined) return { kind: draftKind, draftId: target };
  const jobKind = JOB_ID_KINDS.find((candidate) => candidate === kind);
  if (jobKind !== undefined) return { kind: jobKind, jobId: target };
  return null;
}

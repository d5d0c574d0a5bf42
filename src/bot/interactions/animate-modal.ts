/**
 * The animate modal's submit. Dispatch has already deferred it privately (the 3 s answer), so the slow parts
 * (downloading a settings file and the attachments, the enqueue transaction, posting the card) run within the
 * 15 minutes of the token. Every problem comes back at once, with a button that reopens the modal filled with
 * what was typed (the draft keeps it); a valid request is queued within the requester's quota and answered with
 * a link to its public job card.
 */
import type { ModalSubmitInteraction } from 'discord.js';
import { DeforumError } from '../../core/errors.js';
import type { DraftData } from '../../jobs/draft-store.js';
import { newJobId, type AttachmentInput } from '../../jobs/job-store.js';
import type { BotDeps } from '../deps.js';
import {
  ANIMATE_FIELD_IDS,
  buildAnimateSettings,
  type AnimateFields,
  type RequestField,
  type RequestProblem,
  type StoredAnimateRequest,
} from '../request/index.js';
import { loadAnimateBase } from '../services/animate-base.js';
import { downloadAttachment, storeAttachments, type StoredUpload } from '../services/attachments.js';
import { copyJobAttachments } from '../services/rerender.js';
import { sendableChannel, submitJob, withConcreteSeed, type SubmitOutcome } from '../services/submit-job.js';
import { problemsReply } from './animate-modal-view.js';
import { defineComponentHandler } from './define.js';

const FILE_FIELDS = { init: 'init_image', mask: 'mask', video: 'video' } as const satisfies Record<
  string,
  RequestField
>;

const FILE_PROBLEMS: ReadonlySet<DeforumError['details']['code']> = new Set(['download_failed', 'attachment_rejected']);

/** What the bot keeps in `jobs.request` for a job made from the modal (Tweak, re-render and ♻️ read it). */
export interface AnimateJobRequest extends StoredAnimateRequest {
  presetVersion: number | null;
  overrides: Record<string, unknown>;
  model: string;
}

export const animateModalSubmit = defineComponentHandler({
  kind: 'animate',
  response: 'defer-ephemeral',
  renders: true,
  async handle(interaction, { draftId }, deps) {
    const userId = interaction.user.id;
    const fields = readFields(interaction);
    const draft = await deps.drafts.get(draftId, userId);
    const outcome = await submitDraft(interaction, draft, fields, deps);
    if (!outcome.ok) {
      await deps.drafts.update(draftId, userId, { ...draft, fields });
      await interaction.editReply(problemsReply(draftId, outcome.problems));
      return;
    }
    const notes = outcome.warnings.map((warning) => `\n⚠️ ${warning}`).join('');
    await interaction.editReply({ content: `Queued: your job card is ${outcome.card.url}${notes}`, components: [] });
  },
});

function readFields(interaction: ModalSubmitInteraction): AnimateFields {
  const entries = ANIMATE_FIELD_IDS.map((id) => [id, interaction.fields.getTextInputValue(id)] as const);
  return Object.fromEntries(entries) as Record<(typeof ANIMATE_FIELD_IDS)[number], string>;
}

async function submitDraft(
  interaction: ModalSubmitInteraction,
  draft: DraftData,
  fields: AnimateFields,
  deps: BotDeps,
): Promise<(SubmitOutcome & { ok: false }) | (SubmitOutcome & { ok: true; warnings: string[] })> {
  const serverId = draft.serverId;
  if (serverId === null) {
    throw new DeforumError(
      { code: 'usage', argument: 'channel', reason: 'not in a server' },
      "Renders run within a server's quota: start them from a server channel.",
    );
  }
  const base = await withDownloadProblems('settings', () => loadAnimateBase(draft, interaction.user.id, deps));
  if (!base.ok) return base;
  // A Tweak brings no files of its own: it renders with the job's.
  const [limits, blockedTerms, files] = await Promise.all([
    deps.servers.getLimits(serverId),
    deps.moderation.listBlockedTerms(serverId),
    draft.fromJob === undefined ? draft.attachments : deps.jobs.listAttachments(draft.fromJob),
  ]);
  const has = (kind: string): boolean => files.some((file) => file.kind === kind);
  const built = buildAnimateSettings({
    base: base.settings,
    baseField: base.field,
    fields,
    limits,
    blockedTerms,
    attachments: { init: has('init'), mask: has('mask'), video: has('video') },
  });
  if (!built.ok) return built;
  const jobId = newJobId();
  const stored =
    draft.fromJob === undefined
      ? await storeDraftFiles(draft, jobId, deps)
      : { ok: true as const, attachments: await copyJobAttachments(draft.fromJob, jobId, deps) };
  if (!stored.ok) return stored;
  const model = draft.model ?? deps.config.models[0] ?? '';
  const request: AnimateJobRequest = {
    kind: 'animate',
    preset: base.preset?.name ?? null,
    presetVersion: base.preset?.version ?? null,
    fields,
    overrides: built.overrides,
    model,
  };
  const outcome = await submitJob(
    {
      id: jobId,
      userId: interaction.user.id,
      serverId,
      settings: withConcreteSeed(built.settings),
      model,
      attachments: stored.attachments,
      request: { ...request },
      uploadLimitBytes: interaction.attachmentSizeLimit,
    },
    await sendableChannel(interaction.client, interaction.channelId ?? draft.channelId),
    deps,
  );
  if (!outcome.ok) await deps.storage.deleteJob(jobId);
  return outcome.ok ? { ...outcome, warnings: [...base.warnings, ...built.warnings] } : outcome;
}

/** The command's files, fetched from Discord's CDN now (its links expire) and stored under the job's id. */
async function storeDraftFiles(
  draft: DraftData,
  jobId: string,
  deps: BotDeps,
): Promise<{ ok: true; attachments: AttachmentInput[] } | { ok: false; problems: RequestProblem[] }> {
  const files: StoredUpload[] = [];
  for (const attachment of draft.attachments) {
    const kind = attachment.kind;
    if (kind !== 'init' && kind !== 'mask' && kind !== 'video') continue;
    const file = await withDownloadProblems(FILE_FIELDS[kind], async () => ({
      ok: true as const,
      file: await downloadAttachment(kind, attachment, { extraOrigins: deps.config.cdnOrigins }),
    }));
    if (!file.ok) return file;
    files.push({ ...file.file, kind });
  }
  return { ok: true, attachments: await storeAttachments(deps.storage, jobId, files) };
}

/**
 * A file that cannot be fetched from Discord's CDN, or that its bytes show is not what it claims (another type by
 * its magic bytes, a stream past the size limit, a link outside Discord's CDN), is the user's to re-attach: a
 * problem on its field, not an internal error.
 */
async function withDownloadProblems<T>(
  field: RequestProblem['field'],
  run: () => Promise<T>,
): Promise<T | { ok: false; problems: RequestProblem[] }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DeforumError && FILE_PROBLEMS.has(error.details.code)) {
      return { ok: false, problems: [{ field, message: error.message }] };
    }
    throw error;
  }
}

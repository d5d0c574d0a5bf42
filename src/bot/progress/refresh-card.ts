/**
 * One refresh of one job card: read the job, then either deliver its result (succeeded, not yet delivered) and
 * show the card as done with a link, or edit the card with the newest state, attaching the preview only when a
 * newer frame landed. Edits use the bot token on the stored channel message (`channel.messages.edit`), never an
 * interaction token, so they work after a restart and past 15 minutes. A deleted card gets a new one.
 */
import { DiscordAPIError, RESTJSONErrorCodes, type Client, type SendableChannels } from 'discord.js';
import { isDeforumError } from '../../core/errors.js';
import type { JobCards } from '../../jobs/job-cards.js';
import type { DiscordMessageRef, JobRecord } from '../../jobs/job-record.js';
import type { JobStore } from '../../jobs/job-store.js';
import type { Storage } from '../../storage/storage.js';
import { deliverResult, type DeliverDeps } from './deliver-result.js';
import { framePreview } from './frame-preview.js';
import { PREVIEW_FILE_NAME, renderJobCard } from './job-card.js';
import { postJobCard } from './post-job-card.js';

/** What this process last put on a card, so unchanged cards are not edited and frames not re-uploaded. */
export interface CardView {
  frameKey: string | null;
  rendered: string | null;
  /** When the last edit (or re-post) was sent, in ms: the tracker spaces edits from it. */
  editedAt: number;
}

export interface RefreshDeps {
  client: Client;
  jobs: Pick<JobStore, 'getJob' | 'setProgressMessage'>;
  cards: JobCards;
  storage: Pick<Storage, 'get'>;
  fit?: DeliverDeps['fit'];
  now: () => Date;
}

/** `open`: keep refreshing; `closed`: the card shows its final state (or is gone) and needs no more edits. */
export type RefreshOutcome = 'open' | 'closed';

/** Channels the bot can no longer reach: the card cannot be edited or re-posted there. */
const GONE_CODES = new Set<number | string>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
]);

export async function refreshCard(jobId: string, view: CardView, deps: RefreshDeps): Promise<RefreshOutcome> {
  const job = await deps.jobs.getJob(jobId).catch((error: unknown) => {
    // Deleted (/deforum delete) while its card was open: nothing left to show.
    if (isDeforumError(error) && error.details.code === 'job_not_found') return null;
    throw error;
  });
  if (job === null) return 'closed';
  const card = job.progressMessage;
  if (card === null || job.resultMessage !== null) return 'closed';
  const channel = await sendableChannel(deps.client, card.channelId);
  if (channel === null) return 'closed';
  try {
    if (job.state.status === 'succeeded') {
      const delivery = await deliverResult(channel, job, deps);
      if (delivery.status === 'skipped') return 'closed';
      await editCard(channel, card, job, view, deps, delivery.message.url);
      return 'closed';
    }
    await editCard(channel, card, job, view, deps);
  } catch (error) {
    if (error instanceof DiscordAPIError && GONE_CODES.has(error.code)) return 'closed';
    throw error;
  }
  const { status } = job.state;
  return status === 'failed' || status === 'cancelled' ? 'closed' : 'open';
}

async function editCard(
  channel: SendableChannels,
  card: DiscordMessageRef,
  job: JobRecord,
  view: CardView,
  deps: RefreshDeps,
  resultUrl?: string,
): Promise<void> {
  const [position, secondsPerFrame, frameKey] = await Promise.all([
    deps.cards.queuePosition(job.id),
    deps.cards.frameTiming(job.id),
    deps.cards.latestFrame(job.id),
  ]);
  const hasPreview = frameKey !== null;
  const payload = renderJobCard({
    job,
    position,
    secondsPerFrame,
    now: deps.now(),
    hasPreview,
    ...(resultUrl !== undefined && { resultUrl }),
  });
  const rendered = JSON.stringify(payload);
  const upload = frameKey !== null && frameKey !== view.frameKey;
  if (!upload && rendered === view.rendered) return;
  // Files are appended on edit; `attachments: []` drops the previous preview so the card holds one frame.
  const files = upload
    ? { files: [{ attachment: await framePreview(deps.storage, frameKey), name: PREVIEW_FILE_NAME }], attachments: [] }
    : {};
  view.editedAt = Date.now();
  try {
    await channel.messages.edit(card.messageId, { ...payload, ...files });
  } catch (error) {
    if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage)) throw error;
    // Someone deleted the card: post a fresh one (postJobCard stores its ids) and fill it in at once.
    const fresh = await postJobCard(channel, job, deps);
    view.frameKey = null;
    view.rendered = null;
    await editCard(channel, { channelId: fresh.channelId, messageId: fresh.id }, job, view, deps, resultUrl);
    return;
  }
  if (upload) view.frameKey = frameKey;
  view.rendered = rendered;
}

async function sendableChannel(client: Client, channelId: string): Promise<SendableChannels | null> {
  try {
    const channel = await client.channels.fetch(channelId);
    return channel?.isSendable() === true ? channel : null;
  } catch (error) {
    if (error instanceof DiscordAPIError && GONE_CODES.has(error.code)) return null;
    throw error;
  }
}

/**
 * Posts a finished job's video in its card's channel, exactly once across bot processes and restarts: the
 * delivery is claimed in the database first (JobCards.claimDelivery, `delivered_at IS NULL`), then posted, then
 * the message recorded. Upload limits (discord-ux.md): the job's limit from its interaction or Discord's default;
 * over it, the worker's fit-to-size encode; when Discord still answers 413 / 40005 (its real limit is lower than
 * we were told), the video is re-encoded to half the size and sent again, a few times, then a message says the
 * render is kept. A video the safety checker flagged is posted only in age-restricted channels.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiscordAPIError, HTTPError, RESTJSONErrorCodes, type Message, type SendableChannels } from 'discord.js';
import { isDeforumError } from '../../core/errors.js';
import { fitToSize } from '../../core/video/fit-to-size.js';
import type { JobCards } from '../../jobs/job-cards.js';
import type { JobRecord } from '../../jobs/job-record.js';
import type { Storage } from '../../storage/storage.js';
import {
  formatBytes,
  resultButtons,
  resultSummary,
  SETTINGS_FILE_NAME,
  tooLargeText,
  withheldText,
} from './result-message.js';

/** Discord's default per-attachment limit since 2025-01 (discord-ux.md); a job carries its channel's real one. */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
/** Uploads tried after the first refusal, each at half the previous size. */
const SHRINK_TRIES = 3;

export interface DeliverDeps {
  cards: Pick<JobCards, 'claimDelivery' | 'releaseDelivery' | 'markDelivered'>;
  storage: Pick<Storage, 'get'>;
  /** Re-encodes an MP4 to at most maxBytes; fit-to-size.ts unless a test wraps it. */
  fit?: FitVideo | undefined;
}

export type FitVideo = (input: string, maxBytes: number, options: { output: string }) => Promise<{ output: string }>;

interface Posted {
  status: 'delivered' | 'withheld' | 'too_large';
  message: Message;
}

/** `skipped`: another process holds the delivery (or the job has not succeeded). */
export type DeliveryOutcome = Posted | { status: 'skipped' };

export async function deliverResult(
  channel: SendableChannels,
  job: JobRecord,
  deps: DeliverDeps,
): Promise<DeliveryOutcome> {
  if (job.state.status !== 'succeeded' || !(await deps.cards.claimDelivery(job.id))) return { status: 'skipped' };
  let posted: Posted;
  try {
    posted =
      job.flagged && !isAgeRestricted(channel)
        ? await postWithheld(channel, job)
        : await postVideo(channel, job, job.state.outputKey, deps);
  } catch (error) {
    // Nothing was posted: give the claim back so the tracker's next try (here or in another process) delivers.
    await deps.cards.releaseDelivery(job.id);
    throw error;
  }
  await deps.cards.markDelivered(job.id, { channelId: posted.message.channelId, messageId: posted.message.id });
  return posted;
}

async function postWithheld(channel: SendableChannels, job: JobRecord): Promise<Posted> {
  const message = await channel.send({
    content: withheldText(job),
    components: resultButtons(job.id),
    allowedMentions: { users: [job.userId] },
  });
  return { status: 'withheld', message };
}

async function postVideo(
  channel: SendableChannels,
  job: JobRecord,
  resultKey: string,
  deps: DeliverDeps,
): Promise<Posted> {
  const limit = job.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  const original = await deps.storage.get(resultKey);
  const notes: string[] = [];
  let video = original;
  if (video.length > limit && job.fitKey !== null) {
    video = await deps.storage.get(job.fitKey);
    notes.push(`The video was re-encoded to fit this channel's ${formatBytes(limit)} upload limit.`);
  }
  const gif = job.gifKey === null ? null : await deps.storage.get(job.gifKey);
  let withGif = gif !== null && gif.length <= limit;
  if (gif !== null && !withGif) notes.push(`The GIF is larger than ${formatBytes(limit)}, so it is left out.`);
  const shrink = shrinker(original, deps.fit ?? fitToSize);
  let refused = false;
  try {
    let target = video.length > limit ? limit : null;
    for (let tries = 0; tries <= SHRINK_TRIES; tries++) {
      let shrunk: string[] = [];
      if (target !== null) {
        video = await shrink(target);
        const why = refused ? 'Discord refused the larger upload, so the' : 'The';
        shrunk = [`${why} video was re-encoded to ${formatBytes(video.length)} to fit the upload limit.`];
      }
      try {
        const files = [
          { attachment: video, name: 'deforum.mp4' },
          ...(withGif && gif !== null ? [{ attachment: gif, name: 'deforum.gif' }] : []),
          { attachment: Buffer.from(JSON.stringify(job.settings, null, 2)), name: SETTINGS_FILE_NAME },
        ];
        const message = await channel.send({
          content: resultSummary(job, [...notes, ...shrunk]),
          files,
          components: resultButtons(job.id),
          allowedMentions: { users: [job.userId] },
        });
        return { status: 'delivered', message };
      } catch (error) {
        if (!isTooLarge(error)) throw error;
        refused = true;
        if (withGif) notes.push('Discord refused the upload as too large, so the GIF is left out.');
        withGif = false;
        target = Math.floor(Math.min(target ?? limit, video.length) / 2);
      }
    }
  } catch (error) {
    if (!(isDeforumError(error) && error.details.code === 'video_too_large')) throw error;
  } finally {
    await shrink.dispose();
  }
  const message = await channel.send({
    content: tooLargeText(job, video.length),
    components: resultButtons(job.id),
    allowedMentions: { users: [job.userId] },
  });
  return { status: 'too_large', message };
}

/** Re-encodes the original video to a byte budget in a temporary folder; dispose() removes it. */
function shrinker(
  original: Buffer,
  fit: FitVideo,
): ((maxBytes: number) => Promise<Buffer>) & { dispose(): Promise<void> } {
  let folder: string | null = null;
  const shrink = async (maxBytes: number): Promise<Buffer> => {
    folder ??= await mkdtemp(path.join(os.tmpdir(), 'deforum-deliver-'));
    const input = path.join(folder, 'result.mp4');
    await writeFile(input, original);
    const result = await fit(input, maxBytes, { output: path.join(folder, `fit-${maxBytes}.mp4`) });
    return readFile(result.output);
  };
  return Object.assign(shrink, {
    dispose: async () => {
      if (folder !== null) await rm(folder, { recursive: true, force: true });
    },
  });
}

function isTooLarge(error: unknown): boolean {
  if (error instanceof DiscordAPIError) {
    return error.code === RESTJSONErrorCodes.RequestEntityTooLarge || error.status === 413;
  }
  return error instanceof HTTPError && error.status === 413;
}

/** Threads take the age restriction of their parent channel; DMs and other channels have none. */
function isAgeRestricted(channel: SendableChannels): boolean {
  if (channel.isThread()) return channel.parent?.nsfw === true;
  return 'nsfw' in channel && channel.nsfw;
}

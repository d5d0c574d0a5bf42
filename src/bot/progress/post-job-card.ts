/**
 * Posts a job's card: an ordinary channel message sent with the bot token, never an interaction response, whose
 * ids go into the jobs row so any bot process, also after a restart and long past the 15-minute interaction
 * token, keeps editing it (discord-ux.md). The tracker posts a new one the same way when the card was deleted.
 */
import type { Message, SendableChannels } from 'discord.js';
import type { JobCards } from '../../jobs/job-cards.js';
import type { JobRecord } from '../../jobs/job-record.js';
import type { JobStore } from '../../jobs/job-store.js';
import { renderJobCard } from './job-card.js';
import type { ProgressTracker } from './progress-tracker.js';

export interface PostJobCardDeps {
  jobs: Pick<JobStore, 'setProgressMessage'>;
  cards: Pick<JobCards, 'queuePosition' | 'frameTiming'>;
  /** Starts live edits of the new card at once; without it the tracker finds the card at its next sweep. */
  progress?: Pick<ProgressTracker, 'track'>;
  now?: () => Date;
}

export async function postJobCard(channel: SendableChannels, job: JobRecord, deps: PostJobCardDeps): Promise<Message> {
  const [position, secondsPerFrame] = await Promise.all([
    deps.cards.queuePosition(job.id),
    deps.cards.frameTiming(job.id),
  ]);
  const card = renderJobCard({ job, position, secondsPerFrame, now: deps.now?.() ?? new Date(), hasPreview: false });
  const message = await channel.send({ ...card, allowedMentions: { parse: [] } });
  await deps.jobs.setProgressMessage(job.id, { channelId: message.channelId, messageId: message.id });
  deps.progress?.track(job.id);
  return message;
}

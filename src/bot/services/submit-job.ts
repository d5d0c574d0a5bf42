/**
 * The last step of every way a render starts from Discord (the animate modal, Re-render and New seed buttons, 🔁
 * and ♻️ reactions): queue the job within the requester's quota and post its card in the channel. The refusals a
 * user can fix by asking for less (quota, the server's caps, too many jobs at once) come back as request problems,
 * tied to the field to change, so the modal can show them with its "Edit and resubmit" button.
 */
import { randomInt } from 'node:crypto';
import type { Client, Message, SendableChannels } from 'discord.js';
import { DeforumError } from '../../core/errors.js';
import type { DeforumSettings } from '../../core/settings/schema.js';
import type { JobRecord } from '../../jobs/job-record.js';
import type { EnqueueRequest } from '../../jobs/job-store.js';
import type { BotDeps } from '../deps.js';
import { postJobCard } from '../progress/post-job-card.js';
import type { RequestField, RequestProblem } from '../request/index.js';

export type SubmitOutcome = { ok: true; job: JobRecord; card: Message } | { ok: false; problems: RequestProblem[] };

/** Seeds are drawn from Deforum's range (a 32-bit unsigned integer). */
const SEED_LIMIT = 2 ** 32;

/**
 * A concrete seed for `seed = -1`, chosen at submit rather than by the worker, so the job's settings (and its
 * settings.json) name the seed that rendered it and Re-render repeats it exactly.
 */
export function withConcreteSeed(settings: DeforumSettings, seed?: number): DeforumSettings {
  if (seed !== undefined) return { ...settings, seed };
  return settings.seed === -1 ? { ...settings, seed: randomInt(0, SEED_LIMIT) } : settings;
}

export async function submitJob(
  request: EnqueueRequest,
  channel: SendableChannels,
  deps: Pick<BotDeps, 'jobs' | 'cards' | 'progress' | 'clock'>,
): Promise<SubmitOutcome> {
  let job: JobRecord;
  try {
    job = await deps.jobs.enqueue(request);
  } catch (error) {
    const problem = fixableRefusal(error);
    if (problem === null) throw error;
    return { ok: false, problems: [problem] };
  }
  const card = await postJobCard(channel, job, { ...deps, now: deps.clock });
  return { ok: true, job, card };
}

/** The channel a job card goes to, or a DeforumError when the bot cannot post there. */
export async function sendableChannel(client: Client, channelId: string): Promise<SendableChannels> {
  const channel = await client.channels.fetch(channelId);
  if (channel === null || !channel.isSendable()) {
    throw new DeforumError(
      { code: 'usage', argument: 'channel', reason: 'the bot cannot post here' },
      'The bot cannot post in this channel. Use a server text channel where it may send messages.',
    );
  }
  return channel;
}

function fixableRefusal(error: unknown): RequestProblem | null {
  if (!(error instanceof DeforumError)) return null;
  const { details } = error;
  const field = ((): RequestField | null => {
    switch (details.code) {
      case 'cap_exceeded':
        return details.setting === 'max_frames' ? 'max_frames' : 'overrides';
      case 'quota_exceeded':
      case 'too_many_jobs':
        return 'request';
      default:
        return null;
    }
  })();
  return field === null ? null : { field, message: error.message };
}

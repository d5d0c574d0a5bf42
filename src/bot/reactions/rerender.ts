/**
 * React-to-rerender: 🔁 on a finished video the bot posted renders it again with a new seed, ♻️ with the same
 * seed and the newest version of the user preset it came from. Reactions anywhere else, and the bot's own, are
 * ignored. A reaction cannot be answered privately, so the answer (queued, or why not) goes by DM, and to the
 * channel in one short line when the reactor does not accept DMs (discord-ux.md "Buttons versus reactions").
 * The message may be older than this bot process (a partial): the event's ids are enough to find its job, and a
 * partial user is fetched.
 */
import type { MessageReaction, PartialMessageReaction, PartialUser, SendableChannels, User } from 'discord.js';
import { isDeforumError } from '../../core/errors.js';
import type { JobRecord } from '../../jobs/job-record.js';
import type { BotDeps } from '../deps.js';
import { formatProblems } from '../request/index.js';
import { rerenderJob, type RerenderOptions } from '../services/rerender.js';
import { sendableChannel } from '../services/submit-job.js';

const MAX_CONTENT = 2000;

/** Emoji → what it asks for. ♻ arrives with or without the emoji variation selector (U+FE0F). */
const ACTIONS: Readonly<Record<string, Pick<RerenderOptions, 'seed' | 'latestPreset'>>> = {
  '🔁': { seed: 'new', latestPreset: false },
  '♻': { seed: 'same', latestPreset: true },
};

export async function onReactionAdd(
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
  deps: BotDeps,
): Promise<void> {
  const action = ACTIONS[(reaction.emoji.name ?? '').replace(/\uFE0F/g, '')];
  if (action === undefined || user.id === reaction.client.user.id) return;
  // The gateway event names the message and the emoji even when the message is not cached; that is all we need.
  const job = await deps.cards.findByResultMessage(reaction.message.channelId, reaction.message.id);
  if (job === null) return;
  const reactor = user.partial ? await user.fetch() : user;
  if (reactor.bot) return;
  const channel = await sendableChannel(reaction.client, reaction.message.channelId);
  const log = deps.log.child({ jobId: job.id, userId: reactor.id });
  await tell(reactor, channel, await answerFor(job, { by: reactor.id, ...action, channel }, deps, log), deps);
}

/** The full answer for the DM, and one line for the channel. */
async function answerFor(
  job: JobRecord,
  options: RerenderOptions,
  deps: BotDeps,
  log: BotDeps['log'],
): Promise<{ full: string; short: string }> {
  try {
    const outcome = await rerenderJob(job, options, deps);
    if (outcome.ok) {
      const what = options.seed === 'new' ? 'with a new seed' : 'with the same seed and the newest preset';
      const text = `Queued your re-render of job \`${job.id.slice(0, 8)}\` ${what}: ${outcome.card.url}`;
      return { full: text, short: text };
    }
    return {
      full: `${formatProblems(outcome.problems)}\nOr press Tweak on the video to change the request.`,
      short: `your re-render was refused: ${outcome.problems[0]?.message ?? ''}`,
    };
  } catch (error) {
    if (!isDeforumError(error)) throw error;
    log.info({ code: error.details.code }, 'reaction refused: %s', error.message);
    return { full: error.message, short: `your re-render was refused: ${error.message}` };
  }
}

/** DM first; a user who refuses DMs gets a short mention in the channel instead. */
async function tell(
  user: User,
  channel: SendableChannels,
  answer: { full: string; short: string },
  deps: BotDeps,
): Promise<void> {
  try {
    await user.send({ content: answer.full.slice(0, MAX_CONTENT) });
  } catch (error) {
    deps.log.info({ err: error, userId: user.id }, 'DM refused; answering in the channel');
    const content = `<@${user.id}> ${answer.short}`;
    await channel.send({
      content: content.length > MAX_CONTENT ? `${content.slice(0, MAX_CONTENT - 1)}…` : content,
      allowedMentions: { users: [user.id] },
    });
  }
}

/**
 * The boundary between failures and users (style.md B3): a DeforumError is the user's to fix and its message is
 * shown as is, privately; anything else is ours, so the user gets a short apology with an error id and the log
 * gets one line `{ errorId, err }` with the stack to find it by. Discord API errors that only mean "too late"
 * are in one named list and never reported as failures.
 */
import { randomBytes } from 'node:crypto';
import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, type RepliableInteraction } from 'discord.js';
import { isDeforumError } from '../core/errors.js';
import type { Logger } from './logger.js';

/**
 * 10062: the interaction expired (not answered within 3 s, or its 15 minutes are over): nothing can be sent on it.
 * 10008: the message to edit or delete is gone (a user or moderator deleted it).
 */
export const HARMLESS_DISCORD_CODES: readonly number[] = [
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.UnknownMessage,
];

/** Discord's limit on message content. */
const MAX_CONTENT = 2000;

export function isHarmlessDiscordError(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError && typeof error.code === 'number' && HARMLESS_DISCORD_CODES.includes(error.code)
  );
}

/**
 * Private text in whatever state the interaction is: the first reply, the answer to a deferReply (ephemeral
 * or not, as deferred), or a follow-up after an answer or a deferUpdate (which leaves `ephemeral` null and
 * whose editReply would overwrite the message the button is on).
 */
export async function answerPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  const content = text.length > MAX_CONTENT ? `${text.slice(0, MAX_CONTENT - 1)}…` : text;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  } else if (interaction.deferred && !interaction.replied && interaction.ephemeral !== null) {
    await interaction.editReply({ content });
  } else {
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
  }
}

/** Tells the user what went wrong; never throws (a failed error reply is logged). */
export async function replyWithError(interaction: RepliableInteraction, error: unknown, log: Logger): Promise<void> {
  if (isHarmlessDiscordError(error)) {
    log.warn({ err: error }, 'interaction expired before it was answered');
    return;
  }
  try {
    await answerPrivately(interaction, userText(error, log));
  } catch (replyError) {
    if (isHarmlessDiscordError(replyError)) log.warn({ err: replyError }, 'the error reply came too late');
    else log.error({ err: replyError, cause: error }, 'could not send the error reply');
  }
}

function userText(error: unknown, log: Logger): string {
  if (isDeforumError(error)) {
    log.info({ code: error.details.code }, 'refused: %s', error.message);
    return error.message;
  }
  const errorId = newErrorId();
  log.error({ errorId, err: error }, 'interaction failed');
  return (
    `Something went wrong on our side (error id \`${errorId}\`). Try again in a minute; if it keeps failing, ` +
    "give this id to the bot's operators."
  );
}

function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

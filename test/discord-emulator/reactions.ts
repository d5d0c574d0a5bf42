/**
 * Reactions on messages, from users (the test's react()) or from the bot (REST), each announced on the gateway as
 * MESSAGE_REACTION_ADD/REMOVE in Discord's shape, under the reaction intents.
 */
import { unknownEmoji, unknownMessage } from './api-errors.js';
import { channelIntent, type Dispatcher } from './gateway.js';
import { memberPayload, userPayload } from './payloads.js';
import { defineRoute, type Route } from './rest-server.js';
import { EPHEMERAL_FLAG, type EmulatorState } from './state.js';
import type { EmulatedMessage } from './types.js';

function reactionEvent(
  state: EmulatorState,
  message: EmulatedMessage,
  userId: string,
  emoji: string,
): Record<string, unknown> {
  const guildId = state.channel(message.channelId)?.guildId;
  const guild = guildId ? state.guilds.get(guildId) : undefined;
  return {
    user_id: userId,
    channel_id: message.channelId,
    message_id: message.id,
    ...(guild ? { guild_id: guild.id, member: memberPayload(state.user(userId), guild.joinedAt) } : {}),
    emoji: { id: null, name: emoji },
    message_author_id: message.authorId,
    burst: false,
    type: 0,
  };
}

export function addReaction(
  state: EmulatorState,
  gateway: Dispatcher,
  message: EmulatedMessage,
  userId: string,
  emoji: string,
): void {
  let reaction = message.reactions.find((r) => r.emoji === emoji);
  if (!reaction) {
    reaction = { emoji, userIds: [] };
    message.reactions.push(reaction);
  }
  if (reaction.userIds.includes(userId)) return;
  reaction.userIds.push(userId);
  const intent = channelIntent(state, message.channelId, 'reactions');
  gateway.dispatch('MESSAGE_REACTION_ADD', reactionEvent(state, message, userId, emoji), intent);
}

function removeReaction(
  state: EmulatorState,
  gateway: Dispatcher,
  message: EmulatedMessage,
  userId: string,
  emoji: string,
): void {
  const reaction = message.reactions.find((r) => r.emoji === emoji);
  if (!reaction?.userIds.includes(userId)) return;
  reaction.userIds = reaction.userIds.filter((id) => id !== userId);
  message.reactions = message.reactions.filter((r) => r.userIds.length > 0);
  const intent = channelIntent(state, message.channelId, 'reactions');
  const { member: _member, message_author_id: _author, ...event } = reactionEvent(state, message, userId, emoji);
  gateway.dispatch('MESSAGE_REACTION_REMOVE', event, intent);
}

function target(state: EmulatorState, channelId: string, messageId: string, emoji: string): EmulatedMessage {
  const message = state.messages.get(messageId);
  // Ephemeral messages take no reactions: Discord does not find them in the channel.
  if (!message || message.channelId !== channelId || (message.flags & EPHEMERAL_FLAG) !== 0) throw unknownMessage();
  if (emoji.trim() === '') throw unknownEmoji();
  return message;
}

export function reactionRoutes(state: EmulatorState, gateway: Dispatcher): Route[] {
  const base = '/channels/:c/messages/:m/reactions/:emoji';
  return [
    defineRoute('PUT', `${base}/@me`, (_req, [c = '', m = '', emoji = '']) => {
      addReaction(state, gateway, target(state, c, m, emoji), state.bot.id, emoji);
      return { status: 204 };
    }),
    defineRoute('DELETE', `${base}/:user`, (_req, [c = '', m = '', emoji = '', user = '']) => {
      removeReaction(state, gateway, target(state, c, m, emoji), user === '@me' ? state.bot.id : user, emoji);
      return { status: 204 };
    }),
    defineRoute('GET', base, (_req, [c = '', m = '', emoji = '']) => {
      const reaction = target(state, c, m, emoji).reactions.find((r) => r.emoji === emoji);
      return { status: 200, json: (reaction?.userIds ?? []).map((id) => userPayload(state.user(id))) };
    }),
  ];
}

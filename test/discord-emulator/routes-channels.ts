/**
 * Guild, channel, member, DM and message endpoints the bot calls with its bot token. Ephemeral messages are not
 * reachable here (Discord keeps them off the channel), and the bot may edit only its own messages.
 */
import {
  cannotEditOthers,
  cannotMessageUser,
  unknownChannel,
  unknownGuild,
  unknownMember,
  unknownMessage,
  unknownUser,
} from './api-errors.js';
import type { Dispatcher } from './gateway.js';
import { announce, announceDelete, createMessage, editMessage } from './message-writes.js';
import { channelPayload, guildCreatePayload, memberPayload, messagePayload } from './payloads.js';
import { defineRoute, type Route } from './rest-server.js';
import { EPHEMERAL_FLAG, type EmulatorState } from './state.js';
import type { EmulatedMessage } from './types.js';

export function channelOf(state: EmulatorState, id: string) {
  const channel = state.channel(id);
  if (!channel) throw unknownChannel();
  return channel;
}

function channelMessage(state: EmulatorState, channelId: string, messageId: string): EmulatedMessage {
  channelOf(state, channelId);
  const message = state.messages.get(messageId);
  if (!message || message.channelId !== channelId || (message.flags & EPHEMERAL_FLAG) !== 0) throw unknownMessage();
  return message;
}

export function channelRoutes(state: EmulatorState, gateway: Dispatcher): Route[] {
  const upload = () => state.rules.uploadLimitBytes;
  return [
    defineRoute('GET', '/channels/:c', (_req, [id = '']) => ({
      status: 200,
      json: channelPayload(state, channelOf(state, id)),
    })),
    defineRoute('GET', '/guilds/:g', (_req, [id = '']) => {
      const guild = state.guilds.get(id);
      if (!guild) throw unknownGuild();
      return { status: 200, json: guildCreatePayload(state, guild) };
    }),
    defineRoute('GET', '/guilds/:g/channels', (_req, [id = '']) => {
      if (!state.guilds.has(id)) throw unknownGuild();
      return { status: 200, json: state.guildChannels(id).map((c) => channelPayload(state, c)) };
    }),
    defineRoute('GET', '/guilds/:g/members/:u', (_req, [guildId = '', userId = '']) => {
      const guild = state.guilds.get(guildId);
      if (!guild) throw unknownGuild();
      const user = state.users.get(userId);
      if (!user) throw unknownMember();
      return { status: 200, json: memberPayload(user, guild.joinedAt) };
    }),
    defineRoute('POST', '/users/@me/channels', (req) => {
      const recipientId = String((req.json as { recipient_id?: unknown } | undefined)?.recipient_id ?? '');
      if (!state.users.has(recipientId)) throw unknownUser();
      const existing = [...state.channels.values()].find((c) => c.type === 1 && c.recipientId === recipientId);
      const channel = existing ?? { id: state.newId(), type: 1 as const, name: '', nsfw: false, recipientId };
      state.channels.set(channel.id, channel);
      return { status: 200, json: channelPayload(state, channel) };
    }),
    defineRoute('GET', '/channels/:c/messages', (req, [id = '']) => {
      channelOf(state, id);
      const limit = Number(req.query.get('limit') ?? 50);
      const before = BigInt(req.query.get('before') ?? '0');
      const after = BigInt(req.query.get('after') ?? '0');
      const newestFirst = state
        .channelMessages(id)
        .filter((m) => (before === 0n || BigInt(m.id) < before) && BigInt(m.id) > after)
        .reverse()
        .slice(0, limit);
      return { status: 200, json: newestFirst.map((m) => messagePayload(state, m)) };
    }),
    defineRoute('POST', '/channels/:c/messages', (req, [id = '']) => {
      const channel = channelOf(state, id);
      if (channel.recipientId && !state.user(channel.recipientId).acceptsDirectMessages) throw cannotMessageUser();
      const message = createMessage(
        state,
        { channelId: id, authorId: state.bot.id },
        { json: req.json, files: req.files, uploadLimitBytes: upload() },
      );
      return { status: 200, json: announce(state, gateway, 'MESSAGE_CREATE', message) };
    }),
    defineRoute('GET', '/channels/:c/messages/:m', (_req, [c = '', m = '']) => ({
      status: 200,
      json: messagePayload(state, channelMessage(state, c, m)),
    })),
    defineRoute('PATCH', '/channels/:c/messages/:m', (req, [c = '', m = '']) => {
      const message = channelMessage(state, c, m);
      if (message.authorId !== state.bot.id) throw cannotEditOthers();
      editMessage(state, message, { json: req.json, files: req.files, uploadLimitBytes: upload() });
      return { status: 200, json: announce(state, gateway, 'MESSAGE_UPDATE', message) };
    }),
    defineRoute('DELETE', '/channels/:c/messages/:m', (_req, [c = '', m = '']) => {
      announceDelete(state, gateway, channelMessage(state, c, m));
      return { status: 204 };
    }),
  ];
}

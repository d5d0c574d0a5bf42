/**
 * A small Discord for tests: REST under /api/v10 and a gateway on 127.0.0.1, both on one random port, that the real
 * discord.js client talks to with `rest: { api: emulator.apiUrl }`. Tests act as users (slash commands, modals,
 * buttons, reactions) and read back messages, requests and interaction responses. README.md lists what it leaves out.
 */
import { randomBytes } from 'node:crypto';
import { Gateway, INTENTS } from './gateway.js';
import { Interactions } from './interactions.js';
import { guildCreatePayload, channelPayload } from './payloads.js';
import { RateLimiter } from './rate-limits.js';
import { reactionRoutes } from './reactions.js';
import { listenOnLoopback, serveRest } from './rest-server.js';
import { appRoutes } from './routes-app.js';
import { channelRoutes } from './routes-channels.js';
import { interactionRoutes } from './routes-interactions.js';
import { EmulatorState, newSnowflake } from './state.js';
import type { DiscordEmulator, EmulatorOptions, WaitForOptions } from './types.js';
import { waitFor } from './wait-for.js';

export type * from './types.js';

export async function startDiscordEmulator(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
  const rules = {
    ackTimeoutMs: options.ackTimeoutMs ?? 3_000,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
    uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024,
  };
  const applicationId = newSnowflake();
  const token = `${Buffer.from(applicationId).toString('base64url')}.emulated.${randomBytes(16).toString('base64url')}`;
  const bot = { id: applicationId, username: 'Deforum', bot: true, acceptsDirectMessages: false };
  const { server, port } = await listenOnLoopback();
  const baseUrl = `http://127.0.0.1:${port}`;
  const state = new EmulatorState(rules, baseUrl, bot, applicationId);
  const gateway = new Gateway(server, state, token, `ws://127.0.0.1:${port}`);
  const rateLimiter = new RateLimiter();
  const routes = [
    ...appRoutes(state, gateway.url),
    ...channelRoutes(state, gateway),
    ...reactionRoutes(state, gateway),
    ...interactionRoutes(state, gateway),
  ];
  serveRest(server, { state, routes, rateLimiter, token });
  const interactions = new Interactions(state, gateway);

  return {
    apiUrl: `${baseUrl}/api`,
    token,
    applicationId,
    botUser: { id: bot.id, username: bot.username },
    rules,
    createGuild(o = {}) {
      const guild = {
        id: o.id ?? state.newId(),
        name: o.name ?? 'Test Server',
        ownerId: o.ownerId ?? state.newId(),
        joinedAt: Date.now(),
      };
      state.user(guild.ownerId);
      state.guilds.set(guild.id, guild);
      gateway.dispatch('GUILD_CREATE', guildCreatePayload(state, guild));
      return { id: guild.id };
    },
    createChannel(o) {
      if (!state.guilds.has(o.guildId))
        throw new Error(`Unknown guild ${o.guildId}: create it with emulator.createGuild() first.`);
      const channel = {
        id: o.id ?? state.newId(),
        type: 0 as const,
        guildId: o.guildId,
        name: o.name ?? 'general',
        nsfw: o.nsfw ?? false,
      };
      state.channels.set(channel.id, channel);
      gateway.dispatch('CHANNEL_CREATE', channelPayload(state, channel), INTENTS.guilds);
      return { id: channel.id };
    },
    createUser(o = {}) {
      const user = {
        id: o.id ?? state.newId(),
        username: o.username ?? 'tester',
        bot: false,
        acceptsDirectMessages: o.acceptsDirectMessages ?? true,
      };
      state.users.set(user.id, user);
      return { id: user.id, username: user.username };
    },
    hostFile: (o) =>
      state.hostFile(o.name, o.contentType, Buffer.from(o.bytes), `ephemeral-attachments/${applicationId}`),
    slashCommand: (o) => interactions.slashCommand(o),
    autocomplete: (o) => interactions.autocomplete(o),
    modalSubmit: (o) => interactions.modalSubmit(o),
    pressButton: (o) => interactions.pressButton(o),
    react: (o) => interactions.react(o),
    messages: (channelId) => state.channelMessages(channelId),
    message: (messageId) => state.messages.get(messageId),
    requests: state.requests,
    waitFor: <T>(check: () => T | undefined | false, o?: WaitForOptions) => waitFor(check, o),
    rateLimit: (rule) => rateLimiter.add(rule),
    disconnectGateway: () => gateway.disconnect(),
    registeredCommands: (guildId) => (guildId ? (state.guildCommands.get(guildId) ?? []) : state.globalCommands),
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The emulator's own tests' setup: an emulator with one guild, channel and user, and a bare discord.js client
 * logged in to it, plus small helpers to await the next interaction and the API error of a refused call.
 */
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Partials,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { afterEach, beforeEach } from 'vitest';
import { startDiscordEmulator, type DiscordEmulator, type EmulatorOptions } from './index.js';

export interface ConnectedClient {
  emulator: DiscordEmulator;
  client: Client;
  guildId: string;
  channelId: string;
  user: { id: string; username: string };
  close(): Promise<void>;
}

export async function connectClient(options: EmulatorOptions = {}): Promise<ConnectedClient> {
  const emulator = await startDiscordEmulator(options);
  const guildId = emulator.createGuild({ name: 'Deforum Lab' }).id;
  const channelId = emulator.createChannel({ guildId, name: 'renders' }).id;
  const user = emulator.createUser({ username: 'ada' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessages],
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel],
    rest: { api: emulator.apiUrl },
  });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(emulator.token);
  await ready;
  const close = async (): Promise<void> => {
    await client.destroy();
    await emulator.close();
  };
  return { emulator, client, guildId, channelId, user, close };
}

export interface ClientWorld extends ConnectedClient {
  /** The next interaction this world's client receives, narrowed by the guard the caller expects. */
  nextInteraction<T extends Interaction>(guard: (i: Interaction) => i is T): Promise<T>;
  /** `/deforum <subcommand>` from the world's user in its channel. */
  invoke(
    subcommand: string,
    extra?: Partial<Parameters<DiscordEmulator['slashCommand']>[0]>,
  ): ReturnType<DiscordEmulator['slashCommand']>;
  /** The world's user submits the modal `customId` with these field values, in its channel. */
  submitModal(customId: string, fields: Record<string, string>): ReturnType<DiscordEmulator['modalSubmit']>;
  /** The world's user presses the button `customId` on a message in its channel. */
  pressButton(messageId: string, customId: string): ReturnType<DiscordEmulator['pressButton']>;
}

/**
 * A fresh world for every test of the calling file (beforeEach / afterEach). The returned object is filled in
 * before each test, so the file keeps one reference to it.
 */
export function useConnectedClient(options: EmulatorOptions = {}): ClientWorld {
  const world = {
    nextInteraction: (guard) => nextInteraction(world.client, guard),
    invoke: (subcommand, extra = {}) =>
      world.emulator.slashCommand({ user: world.user, channelId: world.channelId, subcommand, ...extra }),
    submitModal: (customId, fields) =>
      world.emulator.modalSubmit({ user: world.user, channelId: world.channelId, customId, fields }),
    pressButton: (messageId, customId) =>
      world.emulator.pressButton({ user: world.user, channelId: world.channelId, messageId, customId }),
  } as ClientWorld;
  beforeEach(async () => {
    Object.assign(world, await connectClient(options));
  });
  afterEach(async () => {
    await world.close();
  });
  return world;
}

export const isCommand = (i: Interaction): i is ChatInputCommandInteraction => i.isChatInputCommand();

/** The next interaction the client receives, narrowed by the guard the caller expects. */
export function nextInteraction<T extends Interaction>(client: Client, guard: (i: Interaction) => i is T): Promise<T> {
  return new Promise((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction) => {
      if (guard(interaction)) resolve(interaction);
      else reject(new Error(`Unexpected interaction type ${interaction.type}`));
    });
  });
}

export async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError)) throw new Error(`Expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Everything the emulated Discord knows: guilds, channels, users, messages (ephemeral ones included, told apart by
 * flag 64), hosted files, interactions and registered commands. Routes and the gateway read and write it; the test
 * reads it through index.ts.
 */
import type {
  EmulatedAttachment,
  EmulatedMessage,
  EmulatorRules,
  InteractionCallback,
  RecordedRequest,
} from './types.js';

const DISCORD_EPOCH_MS = 1_420_070_400_000n;
export const EPHEMERAL_FLAG = 64;
let sequence = 0n;

/** Time-ordered ids, so discord.js derives sensible creation times from them. */
export function newSnowflake(): string {
  sequence += 1n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH_MS) << 22n) | (sequence & 0x3fffffn)).toString();
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: number;
}

export interface ChannelRecord {
  id: string;
  /** 0 guild text, 1 DM. */
  type: 0 | 1;
  guildId?: string;
  name: string;
  nsfw: boolean;
  recipientId?: string;
}

export interface UserRecord {
  id: string;
  username: string;
  bot: boolean;
  /** False for a user who turned off DMs from server members: the bot's DMs then fail with 50007. */
  acceptsDirectMessages: boolean;
}

export interface InteractionRecord {
  id: string;
  token: string;
  /** Discord interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  type: 2 | 3 | 4 | 5;
  dispatchedAt: number;
  channelId: string;
  guildId?: string;
  userId: string;
  commandName?: string;
  attachmentSizeLimit?: number;
  /** The message a button sat on: the target of update responses (types 6 and 7). */
  sourceMessageId?: string;
  callback?: InteractionCallback;
  callbackListeners: ((callback: InteractionCallback) => void)[];
  originalId?: string;
  ephemeral: boolean;
  followupIds: string[];
}

export interface ShownModal {
  modal: Record<string, unknown>;
  /** The message whose button opened the modal: its submit then carries that message. */
  sourceMessageId?: string;
}

export class EmulatorState {
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly messages = new Map<string, EmulatedMessage>();
  readonly files = new Map<string, EmulatedAttachment>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly globalCommands: unknown[] = [];
  readonly guildCommands = new Map<string, unknown[]>();
  /** Modals the bot showed, by custom_id, so a submit can mirror their layout. */
  readonly shownModals = new Map<string, ShownModal>();
  readonly requests: RecordedRequest[] = [];

  constructor(
    readonly rules: EmulatorRules,
    readonly baseUrl: string,
    readonly bot: UserRecord,
    readonly applicationId: string,
  ) {
    this.users.set(bot.id, bot);
  }

  newId(): string {
    return newSnowflake();
  }

  /** Users a test names by id alone exist from their first mention, as on a real server. */
  user(id: string): UserRecord {
    const known = this.users.get(id);
    if (known) return known;
    const created: UserRecord = { id, username: `user${id.slice(-6)}`, bot: false, acceptsDirectMessages: true };
    this.users.set(id, created);
    return created;
  }

  channel(id: string): ChannelRecord | undefined {
    return this.channels.get(id);
  }

  guildChannels(guildId: string): ChannelRecord[] {
    return [...this.channels.values()].filter((channel) => channel.guildId === guildId);
  }

  interactionByToken(token: string): InteractionRecord | undefined {
    for (const interaction of this.interactions.values()) if (interaction.token === token) return interaction;
    return undefined;
  }

  hostFile(filename: string, contentType: string, bytes: Buffer, folder: string): EmulatedAttachment {
    const id = this.newId();
    const url = `${this.baseUrl}/cdn/${folder}/${id}/${encodeURIComponent(filename)}`;
    const file: EmulatedAttachment = { id, filename, contentType, size: bytes.length, bytes, url };
    this.files.set(id, file);
    return file;
  }

  channelMessages(channelId: string): EmulatedMessage[] {
    return [...this.messages.values()].filter(
      (message) => message.channelId === channelId && (message.flags & EPHEMERAL_FLAG) === 0,
    );
  }
}

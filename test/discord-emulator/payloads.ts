/**
 * Discord's wire JSON for the emulator's records: users, members, channels, guilds (GUILD_CREATE) and messages,
 * with every field discord.js 14.28 reads when it builds its structures (runtime-notes.md F.5).
 */
import type { ChannelRecord, EmulatorState, GuildRecord, UserRecord } from './state.js';
import type { EmulatedAttachment, EmulatedMessage } from './types.js';

const bit = (n: number): bigint => 1n << BigInt(n);
/** ViewChannel, SendMessages, EmbedLinks, AttachFiles, ReadMessageHistory, AddReactions, UseApplicationCommands. */
export const MEMBER_PERMISSIONS = bit(10) | bit(11) | bit(14) | bit(15) | bit(16) | bit(6) | bit(31);
/** The member set plus ManageMessages and SendMessagesInThreads: what a bot is usually invited with. */
export const BOT_PERMISSIONS = MEMBER_PERMISSIONS | bit(13) | bit(38);

const iso = (ms: number): string => new Date(ms).toISOString();

export function userPayload(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: user.bot,
    system: false,
    public_flags: 0,
    flags: 0,
  };
}

export function memberPayload(user: UserRecord, joinedAt: number, permissions?: bigint): Record<string, unknown> {
  return {
    user: userPayload(user),
    nick: null,
    avatar: null,
    roles: [],
    joined_at: iso(joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
    ...(permissions === undefined ? {} : { permissions: permissions.toString() }),
  };
}

export function channelPayload(state: EmulatorState, channel: ChannelRecord): Record<string, unknown> {
  if (channel.type === 1) {
    const recipient = state.user(channel.recipientId ?? '0');
    return { id: channel.id, type: 1, recipients: [userPayload(recipient)], last_message_id: null, flags: 0 };
  }
  return {
    id: channel.id,
    type: 0,
    guild_id: channel.guildId,
    name: channel.name,
    position: 0,
    permission_overwrites: [],
    nsfw: channel.nsfw,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  };
}

export function guildCreatePayload(state: EmulatorState, guild: GuildRecord): Record<string, unknown> {
  const channels = state.guildChannels(guild.id);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    features: [],
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    vanity_url_code: null,
    application_id: null,
    // @everyone shares the guild id; its permissions are what permissionsFor() starts from.
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        permissions: BOT_PERMISSIONS.toString(),
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    joined_at: iso(guild.joinedAt),
    large: false,
    unavailable: false,
    member_count: 1,
    members: [memberPayload(state.bot, guild.joinedAt)],
    channels: channels.map((channel) => channelPayload(state, channel)),
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function attachmentPayload(file: EmulatedAttachment): Record<string, unknown> {
  return {
    id: file.id,
    filename: file.filename,
    size: file.size,
    url: file.url,
    proxy_url: file.url,
    content_type: file.contentType,
  };
}

function reactionPayload(state: EmulatorState, message: EmulatedMessage): Record<string, unknown>[] {
  return message.reactions.map((reaction) => ({
    emoji: { id: null, name: reaction.emoji },
    count: reaction.userIds.length,
    count_details: { burst: 0, normal: reaction.userIds.length },
    me: reaction.userIds.includes(state.bot.id),
    me_burst: false,
    burst_colors: [],
  }));
}

export function messagePayload(state: EmulatorState, message: EmulatedMessage): Record<string, unknown> {
  const channel = state.channel(message.channelId);
  const interaction = message.interactionId ? state.interactions.get(message.interactionId) : undefined;
  const lastEdit = message.edits.at(-1);
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(channel?.guildId ? { guild_id: channel.guildId } : {}),
    author: userPayload(state.user(message.authorId)),
    content: message.content,
    timestamp: iso(message.createdAt),
    edited_timestamp: lastEdit ? iso(lastEdit.at) : null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: message.attachments.map(attachmentPayload),
    embeds: message.embeds,
    reactions: reactionPayload(state, message),
    pinned: false,
    type: interaction?.type === 2 ? 20 : message.referenceMessageId ? 19 : 0,
    flags: message.flags,
    components: message.components,
    ...(message.referenceMessageId
      ? { message_reference: { type: 0, message_id: message.referenceMessageId, channel_id: message.channelId } }
      : {}),
    ...(interaction
      ? {
          webhook_id: state.applicationId,
          application_id: state.applicationId,
          interaction_metadata: {
            id: interaction.id,
            type: interaction.type,
            user: userPayload(state.user(interaction.userId)),
            authorizing_integration_owners: { '0': interaction.guildId ?? '0' },
            ...(interaction.commandName ? { name: interaction.commandName, command_type: 1 } : {}),
          },
        }
      : {}),
  };
}

/**
 * INTERACTION_CREATE bodies as Discord sends them: the shared envelope (ids, token, channel, member or user,
 * permissions, locale, attachment_size_limit) and the `data` of commands, autocomplete and modal submits.
 * Option types come from the commands the bot registered, so discord.js's typed getters (getInteger, ...) work.
 */
import {
  attachmentPayload,
  BOT_PERMISSIONS,
  channelPayload,
  memberPayload,
  MEMBER_PERMISSIONS,
  userPayload,
} from './payloads.js';
import type { EmulatorState, InteractionRecord } from './state.js';
import type { EmulatedAttachment, InvocationBase, OptionValue, SlashCommandInvocation } from './types.js';
import { checkInvocation } from './command-check.js';
import type { Json } from './json.js';

const isAttachment = (value: OptionValue): value is EmulatedAttachment => typeof value === 'object';
const children = (node: unknown): Json[] => {
  const options = (node as { options?: unknown } | undefined)?.options;
  return Array.isArray(options) ? (options as Json[]) : [];
};

export function envelope(state: EmulatorState, record: InteractionRecord, o: InvocationBase): Json {
  const channel = state.channel(o.channelId);
  if (!channel) throw new Error(`Unknown channel ${o.channelId}: create it with emulator.createChannel() first.`);
  const user = state.user(o.user.id);
  const guild = record.guildId ? state.guilds.get(record.guildId) : undefined;
  const channelJson = channelPayload(state, channel);
  return {
    id: record.id,
    application_id: state.applicationId,
    type: record.type,
    token: record.token,
    version: 1,
    channel_id: channel.id,
    channel: guild ? { ...channelJson, permissions: (o.permissions ?? MEMBER_PERMISSIONS).toString() } : channelJson,
    ...(guild
      ? {
          guild_id: guild.id,
          guild: { id: guild.id, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          member: memberPayload(user, guild.joinedAt, o.permissions ?? MEMBER_PERMISSIONS),
        }
      : { user: userPayload(user) }),
    app_permissions: BOT_PERMISSIONS.toString(),
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild?.id ?? '0' },
    context: guild ? 0 : 1,
    attachment_size_limit: o.attachmentSizeLimit ?? state.rules.uploadLimitBytes,
  };
}

function registeredCommand(state: EmulatorState, name: string, guildId: string | undefined): Json | undefined {
  const lists = [guildId ? state.guildCommands.get(guildId) : undefined, state.globalCommands];
  for (const list of lists) {
    const found = (list ?? []).find((command) => (command as Json)['name'] === name);
    if (found) return found as Json;
  }
  return undefined;
}

function optionType(declared: Json | undefined, value: OptionValue): number {
  if (typeof declared?.['type'] === 'number') return declared['type'];
  if (isAttachment(value)) return 11;
  if (typeof value === 'boolean') return 5;
  if (typeof value === 'number') return Number.isInteger(value) ? 4 : 10;
  return 3;
}

/**
 * Discord sends the objects behind user, channel, mentionable and attachment options in `data.resolved`; discord.js
 * reads getUser/getMember/getChannel/getAttachment from there.
 */
function resolveOption(
  state: EmulatorState,
  resolved: Record<string, Json>,
  type: number,
  value: OptionValue,
  guildId: string | undefined,
): void {
  const add = (kind: string, id: string, json: Json): void => {
    resolved[kind] = { ...resolved[kind], [id]: json };
  };
  if (isAttachment(value)) {
    add('attachments', value.id, { ...attachmentPayload(value), ephemeral: true });
  } else if ((type === 6 || type === 9) && typeof value === 'string') {
    const user = state.user(value);
    add('users', user.id, userPayload(user));
    const guild = guildId ? state.guilds.get(guildId) : undefined;
    if (guild) {
      const { user: _user, ...member } = memberPayload(user, guild.joinedAt, MEMBER_PERMISSIONS);
      add('members', user.id, member);
    }
  } else if (type === 7 && typeof value === 'string') {
    const channel = state.channel(value);
    if (!channel) throw new Error(`Channel option: unknown channel ${value}; create it with emulator.createChannel().`);
    add('channels', channel.id, { ...channelPayload(state, channel), permissions: MEMBER_PERMISSIONS.toString() });
  }
}

/** `data` of a chat-input command or autocomplete: group → subcommand → options, attachments resolved. */
export function commandData(
  state: EmulatorState,
  o: SlashCommandInvocation,
  guildId: string | undefined,
  focused?: string,
): Json {
  const name = o.command ?? 'deforum';
  const command = registeredCommand(state, name, guildId);
  // Without registered commands (the emulator's own tests) option types are guessed from the values.
  const sub = command ? checkInvocation(command, o, focused) : undefined;
  const resolved: Record<string, Json> = {};
  const values = {
    ...(focused !== undefined && !(focused in (o.options ?? {})) ? { [focused]: '' } : {}),
    ...o.options,
  };
  const options = Object.entries(values).map(([optionName, value]) => {
    const type = optionType(
      children(sub).find((opt) => opt['name'] === optionName),
      value,
    );
    resolveOption(state, resolved, type, value, guildId);
    const isFocused = optionName === focused;
    return {
      name: optionName,
      type,
      value: isAttachment(value) ? value.id : isFocused ? String(value) : value,
      ...(isFocused ? { focused: true } : {}),
    };
  });
  const subcommand = { name: o.subcommand, type: 1, options };
  return {
    id: typeof command?.['id'] === 'string' ? command['id'] : state.newId(),
    name,
    type: 1,
    ...(guildId && command?.['guild_id'] ? { guild_id: guildId } : {}),
    options: o.group ? [{ name: o.group, type: 2, options: [subcommand] }] : [subcommand],
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
  };
}

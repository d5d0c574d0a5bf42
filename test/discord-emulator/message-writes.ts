/**
 * Creating and editing messages from a request body, shared by channel routes, webhooks and interaction callbacks:
 * limits checked first, then attachments resolved the way Discord does (an edit's `attachments` lists the old
 * files to keep; uploaded `files[n]` are added, named by the matching `attachments` entry).
 */
import { emptyMessage } from './api-errors.js';
import { assertUploadsFit, assertValid, messageProblems } from './discord-rules.js';
import { channelIntent, type Dispatcher } from './gateway.js';
import type { UploadedFile } from './multipart.js';
import { messagePayload } from './payloads.js';
import { EPHEMERAL_FLAG, type EmulatorState } from './state.js';
import type { EmulatedAttachment, EmulatedMessage } from './types.js';
import { asJson, type Json } from './json.js';

/** A deferred reply's "Bot is thinking…" state, cleared by the first edit. */
const LOADING_FLAG = 128;

export interface MessageWrite {
  json: unknown;
  files: UploadedFile[];
  uploadLimitBytes: number;
}

function uploadedAttachments(
  state: EmulatorState,
  channelId: string,
  json: Json,
  files: UploadedFile[],
): EmulatedAttachment[] {
  const described = Array.isArray(json['attachments']) ? (json['attachments'] as unknown[]).map(asJson) : [];
  return files.map((file) => {
    const entry = described.find((a) => String(a['id']) === String(file.index));
    const filename = typeof entry?.['filename'] === 'string' ? entry['filename'] : file.filename;
    return state.hostFile(filename, file.contentType, file.bytes, `attachments/${channelId}`);
  });
}

export function createMessage(
  state: EmulatorState,
  target: { channelId: string; authorId: string; interactionId?: string; loading?: boolean },
  write: MessageWrite,
): EmulatedMessage {
  assertValid(messageProblems(write.json));
  assertUploadsFit(write.files, write.uploadLimitBytes);
  const json = asJson(write.json);
  const content = typeof json['content'] === 'string' ? json['content'] : '';
  const embeds = Array.isArray(json['embeds']) ? (json['embeds'] as unknown[]) : [];
  const components = Array.isArray(json['components']) ? (json['components'] as unknown[]) : [];
  const hasPoll = json['poll'] !== undefined || Array.isArray(json['sticker_ids']);
  if (
    !target.loading &&
    !content &&
    embeds.length === 0 &&
    components.length === 0 &&
    write.files.length === 0 &&
    !hasPoll
  ) {
    throw emptyMessage();
  }
  const reference = asJson(json['message_reference'])['message_id'];
  const message: EmulatedMessage = {
    id: state.newId(),
    channelId: target.channelId,
    authorId: target.authorId,
    content,
    embeds,
    components,
    flags: (typeof json['flags'] === 'number' ? json['flags'] : 0) | (target.loading ? LOADING_FLAG : 0),
    attachments: uploadedAttachments(state, target.channelId, json, write.files),
    editCount: 0,
    edits: [],
    reactions: [],
    createdAt: Date.now(),
    ...(target.interactionId ? { interactionId: target.interactionId } : {}),
    ...(typeof reference === 'string' ? { referenceMessageId: reference } : {}),
  };
  state.messages.set(message.id, message);
  return message;
}

export function editMessage(state: EmulatorState, message: EmulatedMessage, write: MessageWrite): EmulatedMessage {
  assertValid(messageProblems(write.json));
  assertUploadsFit(write.files, write.uploadLimitBytes);
  const json = asJson(write.json);
  const replaced = <T>(key: string, current: T, empty: T): T =>
    json[key] === null ? empty : json[key] === undefined ? current : (json[key] as T);
  const content = replaced('content', message.content, '');
  const embeds = replaced('embeds', message.embeds, []);
  const components = replaced('components', message.components, []);
  const keep = Array.isArray(json['attachments'])
    ? new Set((json['attachments'] as unknown[]).map((a) => String(asJson(a)['id'])))
    : undefined;
  const kept = keep ? message.attachments.filter((file) => keep.has(file.id)) : message.attachments;
  if (!content && embeds.length === 0 && components.length === 0 && kept.length + write.files.length === 0) {
    throw emptyMessage();
  }
  Object.assign(message, { content, embeds, components });
  // Editing a deferred reply replaces its "thinking" state (flag 128) but keeps it ephemeral or not.
  if (typeof json['flags'] === 'number') message.flags = (message.flags & EPHEMERAL_FLAG) | json['flags'];
  else message.flags &= ~LOADING_FLAG;
  message.attachments = [...kept, ...uploadedAttachments(state, message.channelId, json, write.files)];
  message.editCount += 1;
  message.edits.push({ at: Date.now(), content: message.content });
  return message;
}

/** MESSAGE_CREATE/UPDATE as the gateway sends them for every visible message, the bot's own included. */
export function announce(
  state: EmulatorState,
  gateway: Dispatcher,
  event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE',
  message: EmulatedMessage,
): Json {
  const json = messagePayload(state, message);
  if ((message.flags & EPHEMERAL_FLAG) !== 0) return json;
  gateway.dispatch(event, json, channelIntent(state, message.channelId, 'messages'));
  return json;
}

export function announceDelete(state: EmulatorState, gateway: Dispatcher, message: EmulatedMessage): void {
  state.messages.delete(message.id);
  if ((message.flags & EPHEMERAL_FLAG) !== 0) return;
  const channel = state.channel(message.channelId);
  const intent = channelIntent(state, message.channelId, 'messages');
  const guild = channel?.guildId ? { guild_id: channel.guildId } : {};
  gateway.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channelId, ...guild }, intent);
}

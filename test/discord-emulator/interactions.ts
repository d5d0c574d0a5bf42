/**
 * What a user does in Discord's client, turned into INTERACTION_CREATE (and MESSAGE_REACTION_ADD) dispatches, with a
 * handle per interaction for the test to read its callback, original response and follow-ups.
 */
import { randomBytes } from 'node:crypto';
import type { Gateway } from './gateway.js';
import { commandData, envelope } from './interaction-payloads.js';
import { modalSubmitData } from './modal-submit.js';
import { messagePayload } from './payloads.js';
import { addReaction } from './reactions.js';
import { EPHEMERAL_FLAG, type EmulatorState, type InteractionRecord } from './state.js';
import type {
  AutocompleteInvocation,
  ButtonPress,
  InteractionCallback,
  InteractionHandle,
  InvocationBase,
  ModalSubmitInvocation,
  ReactionAdd,
  SlashCommandInvocation,
} from './types.js';

/** Time for the bot's callback request to land after the ack window closed on it. */
const CALLBACK_SLACK_MS = 500;
const CONNECT_TIMEOUT_MS = 10_000;

function findButton(components: unknown, customId: string): Record<string, unknown> | undefined {
  if (Array.isArray(components)) {
    for (const child of components) {
      const found = findButton(child, customId);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof components !== 'object' || components === null) return undefined;
  const node = components as Record<string, unknown>;
  if (node['type'] === 2 && node['custom_id'] === customId) return node;
  return findButton(node['components'] ?? node['accessory'] ?? node['component'], customId);
}

export class Interactions {
  constructor(
    private readonly state: EmulatorState,
    private readonly gateway: Gateway,
  ) {}

  async slashCommand(o: SlashCommandInvocation): Promise<InteractionHandle> {
    const record = this.record(2, o, o.command ?? 'deforum');
    return this.send(record, { ...envelope(this.state, record, o), data: commandData(this.state, o, record.guildId) });
  }

  async autocomplete(o: AutocompleteInvocation): Promise<{ name: string; value: string }[]> {
    const record = this.record(4, o, o.command ?? 'deforum');
    const data = commandData(this.state, o, record.guildId, o.focused);
    const handle = await this.send(record, { ...envelope(this.state, record, o), data });
    const callback = await handle.callback();
    if (callback.type !== 8) throw new Error(`Autocomplete was answered with callback type ${callback.type}, not 8.`);
    return (callback.data?.['choices'] ?? []) as { name: string; value: string }[];
  }

  async modalSubmit(o: ModalSubmitInvocation): Promise<InteractionHandle> {
    const shown = this.state.shownModals.get(o.customId);
    const record = this.record(5, o);
    const source = shown?.sourceMessageId ? this.state.messages.get(shown.sourceMessageId) : undefined;
    if (source) record.sourceMessageId = source.id;
    const data = modalSubmitData(o.customId, shown?.modal, o.fields);
    return this.send(record, {
      ...envelope(this.state, record, o),
      data,
      ...(source ? { message: messagePayload(this.state, source) } : {}),
    });
  }

  async pressButton(o: ButtonPress): Promise<InteractionHandle> {
    const message = this.state.messages.get(o.messageId);
    if (!message) throw new Error(`Message ${o.messageId} does not exist (deleted, or never sent).`);
    const button = findButton(message.components, o.customId);
    if (!button) throw new Error(`Message ${o.messageId} has no button with custom_id "${o.customId}".`);
    if (button['disabled'] === true)
      throw new Error(`The button "${o.customId}" is disabled; Discord does not let users press it.`);
    const record = this.record(3, { ...o, channelId: message.channelId });
    record.sourceMessageId = message.id;
    return this.send(record, {
      ...envelope(this.state, record, { ...o, channelId: message.channelId }),
      data: { custom_id: o.customId, component_type: 2 },
      message: messagePayload(this.state, message),
    });
  }

  async react(o: ReactionAdd): Promise<void> {
    const message = this.state.messages.get(o.messageId);
    if (!message || message.channelId !== o.channelId)
      throw new Error(`Message ${o.messageId} is not in channel ${o.channelId}.`);
    if ((message.flags & EPHEMERAL_FLAG) !== 0) {
      throw new Error(`Message ${o.messageId} is ephemeral: Discord offers no reactions on it.`);
    }
    await this.gateway.identified(CONNECT_TIMEOUT_MS);
    addReaction(this.state, this.gateway, message, this.state.user(o.user.id).id, o.emoji);
  }

  private record(type: InteractionRecord['type'], o: InvocationBase, commandName?: string): InteractionRecord {
    const guildId = o.guildId ?? this.state.channel(o.channelId)?.guildId;
    const record: InteractionRecord = {
      id: this.state.newId(),
      token: `aW50ZXJhY3Rpb24.${randomBytes(24).toString('base64url')}`,
      type,
      dispatchedAt: Date.now(),
      channelId: o.channelId,
      userId: o.user.id,
      ephemeral: false,
      followupIds: [],
      callbackListeners: [],
      ...(guildId ? { guildId } : {}),
      ...(commandName ? { commandName } : {}),
      ...(o.attachmentSizeLimit === undefined ? {} : { attachmentSizeLimit: o.attachmentSizeLimit }),
    };
    return record;
  }

  private async send(record: InteractionRecord, payload: Record<string, unknown>): Promise<InteractionHandle> {
    await this.gateway.identified(CONNECT_TIMEOUT_MS);
    record.dispatchedAt = Date.now();
    this.state.interactions.set(record.id, record);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    return this.handle(record);
  }

  private handle(record: InteractionRecord): InteractionHandle {
    const state = this.state;
    return {
      id: record.id,
      token: record.token,
      callback: () => {
        if (record.callback) return Promise.resolve(record.callback);
        const waitMs = Math.max(0, record.dispatchedAt + state.rules.ackTimeoutMs + CALLBACK_SLACK_MS - Date.now());
        return new Promise<InteractionCallback>((resolve, reject) => {
          const timer = setTimeout(() => {
            reject(new Error(`The bot did not answer interaction ${record.id} within ${state.rules.ackTimeoutMs} ms.`));
          }, waitMs);
          record.callbackListeners.push((callback) => {
            clearTimeout(timer);
            resolve(callback);
          });
        });
      },
      original: () => (record.originalId ? state.messages.get(record.originalId) : undefined),
      followups: () => record.followupIds.flatMap((id) => state.messages.get(id) ?? []),
      ephemeral: () => record.ephemeral,
    };
  }
}

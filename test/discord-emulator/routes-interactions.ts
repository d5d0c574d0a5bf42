/**
 * Interaction callbacks and the interaction webhook (original response, follow-ups), with Discord's timing rules:
 * one callback per interaction within the ack window (10062 after it, 40060 for a second one), and tokens that
 * expire (50027). The original response lives in the channel unless ephemeral; either way the handle sees it.
 */
import {
  alreadyAcknowledged,
  invalidFormBody,
  invalidWebhookToken,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from './api-errors.js';
import { assertValid, choiceProblems, messageProblems, modalProblems } from './discord-rules.js';
import type { Dispatcher } from './gateway.js';
import { announce, announceDelete, createMessage, editMessage } from './message-writes.js';
import { messagePayload } from './payloads.js';
import { defineRoute, type RestRequest, type Route } from './rest-server.js';
import { EPHEMERAL_FLAG, type EmulatorState, type InteractionRecord } from './state.js';
import type { EmulatedMessage } from './types.js';
import { asJson, type Json } from './json.js';

/** Callback types Discord accepts for each interaction type (modal submits from a message may also update it). */
const ALLOWED_CALLBACKS: Record<InteractionRecord['type'], number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

export function interactionRoutes(state: EmulatorState, gateway: Dispatcher): Route[] {
  const uploadLimit = (record: InteractionRecord) => record.attachmentSizeLimit ?? state.rules.uploadLimitBytes;

  function respond(record: InteractionRecord, type: number, data: Json, req: RestRequest): EmulatedMessage | undefined {
    const source = record.sourceMessageId ? state.messages.get(record.sourceMessageId) : undefined;
    const write = { json: data, files: req.files, uploadLimitBytes: uploadLimit(record) };
    switch (type) {
      case 4:
      case 5: {
        const message = createMessage(
          state,
          { channelId: record.channelId, authorId: state.bot.id, interactionId: record.id, loading: type === 5 },
          write,
        );
        record.ephemeral = (message.flags & EPHEMERAL_FLAG) !== 0;
        announce(state, gateway, 'MESSAGE_CREATE', message);
        return message;
      }
      case 6:
        return source;
      case 7:
        if (!source) throw unknownMessage();
        editMessage(state, source, write);
        announce(state, gateway, 'MESSAGE_UPDATE', source);
        return source;
      case 8:
        assertValid(choiceProblems(data));
        return undefined;
      default:
        assertValid(modalProblems(data));
        state.shownModals.set(String(data['custom_id']), {
          modal: data,
          ...(source ? { sourceMessageId: source.id } : {}),
        });
        return undefined;
    }
  }

  function tokenOwner(app: string, token: string): InteractionRecord {
    const record = state.interactionByToken(token);
    if (!record || app !== state.applicationId) throw invalidWebhookToken();
    if (Date.now() - record.dispatchedAt > state.rules.tokenLifetimeMs) throw invalidWebhookToken();
    if (!record.callback) throw unknownWebhook();
    return record;
  }

  function webhookMessage(record: InteractionRecord, id: string): EmulatedMessage {
    const messageId = id === '@original' ? record.originalId : id;
    const message = messageId ? state.messages.get(messageId) : undefined;
    if (!message || (id !== '@original' && !record.followupIds.includes(message.id))) throw unknownMessage();
    return message;
  }

  return [
    defineRoute(
      'POST',
      '/interactions/:id/:token/callback',
      (req, [id = '', token = '']) => {
        const record = state.interactions.get(id);
        if (!record || record.token !== token) throw unknownInteraction();
        if (record.callback) throw alreadyAcknowledged();
        if (Date.now() - record.dispatchedAt > state.rules.ackTimeoutMs) throw unknownInteraction();
        const body = asJson(req.json);
        const type = Number(body['type']);
        const data = asJson(body['data']);
        const updatesNothing = (type === 6 || type === 7) && !record.sourceMessageId;
        if (!ALLOWED_CALLBACKS[record.type].includes(type) || updatesNothing) {
          throw invalidFormBody([
            {
              path: ['type'],
              code: 'INTERACTION_RESPONSE_TYPE_INVALID',
              message: 'Interaction response type is not valid for this interaction.',
            },
          ]);
        }
        if (type === 4 || type === 7) assertValid(messageProblems(data, ['data']));
        const message = respond(record, type, data, req);
        if (message) record.originalId = message.id;
        record.callback = { type, ...(body['data'] === undefined ? {} : { data }) };
        for (const listener of record.callbackListeners.splice(0)) listener(record.callback);
        if (req.query.get('with_response') !== 'true') return { status: 204 };
        return {
          status: 200,
          json: {
            interaction: {
              id: record.id,
              type: record.type,
              activity_instance_id: null,
              response_message_id: message?.id ?? null,
              response_message_loading: type === 5,
              response_message_ephemeral: record.ephemeral,
            },
            resource: { type, ...(message ? { message: messagePayload(state, message) } : {}) },
          },
        };
      },
      false,
    ),
    defineRoute(
      'POST',
      '/webhooks/:app/:token',
      (req, [app = '', token = '']) => {
        const record = tokenOwner(app, token);
        const message = createMessage(
          state,
          { channelId: record.channelId, authorId: state.bot.id, interactionId: record.id },
          { json: req.json, files: req.files, uploadLimitBytes: uploadLimit(record) },
        );
        record.followupIds.push(message.id);
        const json = announce(state, gateway, 'MESSAGE_CREATE', message);
        return req.query.get('wait') === 'true' ? { status: 200, json } : { status: 204 };
      },
      false,
    ),
    defineRoute(
      'GET',
      '/webhooks/:app/:token/messages/:message',
      (_req, [app = '', token = '', id = '']) => ({
        status: 200,
        json: messagePayload(state, webhookMessage(tokenOwner(app, token), id)),
      }),
      false,
    ),
    defineRoute(
      'PATCH',
      '/webhooks/:app/:token/messages/:message',
      (req, [app = '', token = '', id = '']) => {
        const record = tokenOwner(app, token);
        const message = editMessage(state, webhookMessage(record, id), {
          json: req.json,
          files: req.files,
          uploadLimitBytes: uploadLimit(record),
        });
        return { status: 200, json: announce(state, gateway, 'MESSAGE_UPDATE', message) };
      },
      false,
    ),
    defineRoute(
      'DELETE',
      '/webhooks/:app/:token/messages/:message',
      (_req, [app = '', token = '', id = '']) => {
        announceDelete(state, gateway, webhookMessage(tokenOwner(app, token), id));
        return { status: 204 };
      },
      false,
    ),
  ];
}

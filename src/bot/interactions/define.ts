/**
 * A modal or button handler: dispatch parses the custom id, checks, acknowledges as `response` says, then calls
 * `handle` with the parsed id (never the raw string; style.md B5). The animate modal's submit is the only modal
 * kind; every other kind is a button on a job card or on an error message.
 */
import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import type { ResponseMode } from '../commands/define.js';
import type { BotDeps } from '../deps.js';
import type { CustomId, CustomIdKind } from './custom-id.js';

export type InteractionFor<K extends CustomIdKind> = K extends 'animate' ? ModalSubmitInteraction : ButtonInteraction;

export interface ComponentHandler<K extends CustomIdKind = CustomIdKind> {
  kind: K;
  /** As for commands; 'modal' only for buttons (a modal cannot answer a modal submit). */
  response: ResponseMode;
  /** The handler starts a render: users banned in the server are refused first. */
  renders: boolean;
  handle(interaction: InteractionFor<K>, id: Extract<CustomId, { kind: K }>, deps: BotDeps): Promise<void>;
}

export function defineComponentHandler<K extends CustomIdKind>(handler: ComponentHandler<K>): ComponentHandler<K> {
  return handler;
}

/** One handler per kind: the compiler refuses a kind without one. */
export type ComponentHandlers = { [K in CustomIdKind]: ComponentHandler<K> };

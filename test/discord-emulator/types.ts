/**
 * The emulator's public types: what a bot test passes in and reads back. The wire shapes (Discord's JSON) live in
 * payloads.ts; these are the test-facing views of the same state.
 */

export interface EmulatorOptions {
  /** How long after dispatch an interaction may still be answered (Discord: 3 s). */
  ackTimeoutMs?: number;
  /** How long an interaction token works for edits and follow-ups (Discord: 15 min). */
  tokenLifetimeMs?: number;
  /** Largest single attachment accepted, for channel messages and webhooks (Discord's default: 10 MiB). */
  uploadLimitBytes?: number;
}

export type EmulatorRules = Required<EmulatorOptions>;

export interface EmulatedAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  bytes: Buffer;
  /** Where the emulator's "CDN" serves the bytes. */
  url: string;
}

export interface EmulatedReaction {
  emoji: string;
  userIds: string[];
}

export interface EmulatedMessage {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  embeds: unknown[];
  /** Raw component JSON as the bot sent it. */
  components: unknown[];
  flags: number;
  attachments: EmulatedAttachment[];
  editCount: number;
  edits: { at: number; content: string }[];
  reactions: EmulatedReaction[];
  createdAt: number;
  /** The interaction this message answers (original responses and follow-ups). */
  interactionId?: string;
  /** The message this one replies to. */
  referenceMessageId?: string;
}

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path below /api/v10 without the query, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: string;
  status: number;
  at: number;
  /** The JSON body, or the `payload_json` part of a multipart body. */
  json?: unknown;
  files?: RecordedFile[];
  /** The JSON the emulator answered with (absent for 204). */
  response?: unknown;
}

export interface InteractionCallback {
  type: number;
  data?: Record<string, unknown>;
}

export interface InteractionHandle {
  id: string;
  token: string;
  /** The first callback; rejects when none arrives within ackTimeoutMs plus a little slack. */
  callback(): Promise<InteractionCallback>;
  /** The original response message (deferred, replied or updated), ephemeral or not. */
  original(): EmulatedMessage | undefined;
  followups(): EmulatedMessage[];
  /** Whether the original response was sent ephemerally (flags 64). */
  ephemeral(): boolean;
}

export interface UserRef {
  id: string;
}

export type OptionValue = string | number | boolean | EmulatedAttachment;

export interface InvocationBase {
  user: UserRef;
  guildId?: string;
  channelId: string;
  /** Member permissions of the invoking user; the default is an ordinary member's. */
  permissions?: bigint;
  /** The interaction's attachment_size_limit; the default is rules.uploadLimitBytes. */
  attachmentSizeLimit?: number;
}

export interface SlashCommandInvocation extends InvocationBase {
  command?: string;
  group?: string;
  subcommand: string;
  options?: Record<string, OptionValue>;
}

export interface AutocompleteInvocation extends SlashCommandInvocation {
  /** The option being typed in; its current text is options[focused] (or ''). */
  focused: string;
}

export interface ModalSubmitInvocation extends InvocationBase {
  customId: string;
  fields: Record<string, string>;
}

export interface ButtonPress extends InvocationBase {
  messageId: string;
  customId: string;
}

export interface ReactionAdd {
  user: UserRef;
  guildId?: string;
  channelId: string;
  messageId: string;
  emoji: string;
}

export interface RateLimitRule {
  route: RegExp;
  count: number;
  retryAfterMs: number;
  global?: boolean;
}

export interface WaitForOptions {
  timeoutMs?: number;
  message?: string;
}

export interface DiscordEmulator {
  apiUrl: string;
  token: string;
  applicationId: string;
  botUser: { id: string; username: string };
  rules: EmulatorRules;
  createGuild(o?: { id?: string; name?: string; ownerId?: string }): { id: string };
  createChannel(o: { guildId: string; id?: string; name?: string; nsfw?: boolean }): { id: string };
  /** `acceptsDirectMessages: false` makes the bot's DMs to this user fail as Discord does (403 / 50007). */
  createUser(o?: { id?: string; username?: string; acceptsDirectMessages?: boolean }): { id: string; username: string };
  hostFile(o: { name: string; contentType: string; bytes: Uint8Array }): EmulatedAttachment;
  slashCommand(o: SlashCommandInvocation): Promise<InteractionHandle>;
  autocomplete(o: AutocompleteInvocation): Promise<{ name: string; value: string }[]>;
  modalSubmit(o: ModalSubmitInvocation): Promise<InteractionHandle>;
  pressButton(o: ButtonPress): Promise<InteractionHandle>;
  react(o: ReactionAdd): Promise<void>;
  messages(channelId: string): EmulatedMessage[];
  message(messageId: string): EmulatedMessage | undefined;
  requests: RecordedRequest[];
  waitFor<T>(check: () => T | undefined | false, o?: WaitForOptions): Promise<T>;
  rateLimit(o: RateLimitRule): void;
  disconnectGateway(): void;
  registeredCommands(guildId?: string): unknown[];
  close(): Promise<void>;
}

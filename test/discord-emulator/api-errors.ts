/**
 * Discord's error answers, with the statuses, codes and messages the real API sends, so discord.js raises the same
 * DiscordAPIError (code, status, rawError.errors) a bot sees in production.
 */

export class DiscordApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: { message: string; code: number; errors?: Record<string, unknown> },
  ) {
    super(`${status} ${body.code}: ${body.message}`);
    this.name = 'DiscordApiFailure';
  }
}

/** One field problem in Discord's nested `errors` object: `{ content: { _errors: [{ code, message }] } }`. */
export interface FieldError {
  path: (string | number)[];
  code: string;
  message: string;
}

export function invalidFormBody(problems: FieldError[]): DiscordApiFailure {
  const errors: Record<string, unknown> = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path) {
      const next = (node[String(key)] ??= {}) as Record<string, unknown>;
      node = next;
    }
    const list = (node['_errors'] ??= []) as { code: string; message: string }[];
    list.push({ code: problem.code, message: problem.message });
  }
  return new DiscordApiFailure(400, { message: 'Invalid Form Body', code: 50035, errors });
}

export const unauthorized = (): DiscordApiFailure =>
  new DiscordApiFailure(401, { message: '401: Unauthorized', code: 0 });
export const unknownChannel = (): DiscordApiFailure =>
  new DiscordApiFailure(404, { message: 'Unknown Channel', code: 10003 });
export const unknownGuild = (): DiscordApiFailure =>
  new DiscordApiFailure(404, { message: 'Unknown Guild', code: 10004 });
export const unknownMember = (): DiscordApiFailure =>
  new DiscordApiFailure(404, { message: 'Unknown Member', code: 10007 });
export const unknownMessage = (): DiscordApiFailure =>
  new DiscordApiFailure(404, { message: 'Unknown Message', code: 10008 });
export const unknownUser = (): DiscordApiFailure =>
  new DiscordApiFailure(404, { message: 'Unknown User', code: 10013 });
export const unknownEmoji = (): DiscordApiFailure =>
  new DiscordApiFailure(400, { message: 'Unknown Emoji', code: 10014 });
export const unknownWebhook = (): DiscordApiFailure =>
  new DiscordApiFailure(404, { message: 'Unknown Webhook', code: 10015 });
export const unknownInteraction = (): DiscordApiFailure =>
  new DiscordApiFailure(404, { message: 'Unknown interaction', code: 10062 });
export const alreadyAcknowledged = (): DiscordApiFailure =>
  new DiscordApiFailure(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
export const invalidWebhookToken = (): DiscordApiFailure =>
  new DiscordApiFailure(401, { message: 'Invalid Webhook Token', code: 50027 });
export const entityTooLarge = (): DiscordApiFailure =>
  new DiscordApiFailure(413, { message: 'Request entity too large', code: 40005 });
export const emptyMessage = (): DiscordApiFailure =>
  new DiscordApiFailure(400, { message: 'Cannot send an empty message', code: 50006 });
export const cannotEditOthers = (): DiscordApiFailure =>
  new DiscordApiFailure(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
export const cannotMessageUser = (): DiscordApiFailure =>
  new DiscordApiFailure(403, { message: 'Cannot send messages to this user', code: 50007 });
export const notFound = (): DiscordApiFailure => new DiscordApiFailure(404, { message: '404: Not Found', code: 0 });

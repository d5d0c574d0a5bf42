/**
 * The bot's structured logger (pino, JSON lines on stdout), like the worker's. Each interaction logs through a
 * child carrying `interactionId` and `userId`; an internal error logs one line `{ errorId, err }` whose id the
 * user sees in the reply (replies.ts).
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** `destination` lets tests read the lines; the default is stdout. */
export function createBotLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'bot' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}

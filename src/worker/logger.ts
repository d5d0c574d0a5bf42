/**
 * The worker's structured logger (pino, JSON lines on stdout): the root carries `workerId`, each job a child with
 * `jobId`, each frame a child with `frame` (graphile `LogScope`, style.md B6).
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createWorkerLogger(workerId: string, level: string): Logger {
  return pino({ level, base: { workerId } });
}

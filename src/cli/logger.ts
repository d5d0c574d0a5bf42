/**
 * The CLI's structured logger (pino) on stderr, so stdout stays free for command output such as `--json`.
 * LOG_LEVEL picks the level; the default keeps a normal run quiet apart from warnings.
 */
import { pino } from 'pino';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));

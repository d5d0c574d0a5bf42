/**
 * The bot's configuration: the environment parsed once with zod (style.md B1: only the composition root and the
 * CLI read it). Storage and database use the worker's variables, so one environment file serves the whole fleet.
 */
import { z } from 'zod';
import { DeforumError } from '../core/errors.js';
import { DEFAULT_DATABASE_URL } from '../jobs/database.js';
import { DEFAULT_MODEL_NAME } from '../worker/worker-config.js';

const commaList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .pipe(z.array(z.string()));

const envSchema = z.object({
  DISCORD_TOKEN: z.string().min(1),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{1,20}$/, 'a Discord application id (a number)'),
  /** Another REST base than Discord's (`http://127.0.0.1:PORT/api`): the test emulator or a proxy. */
  DISCORD_API_URL: z.url().optional(),
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  /** Where jobs' files live, as for the worker (src/worker/worker-config.ts). */
  DEFORUM_STORAGE_URL: z.string().min(1).optional(),
  DEFORUM_STORAGE_DIR: z.string().min(1).optional(),
  /** The model names the fleet's workers advertise; /deforum animate offers these. */
  DEFORUM_MODELS: commaList.pipe(z.array(z.string()).min(1)).default([DEFAULT_MODEL_NAME]),
  /** How often a job card is edited at most while frames land (Discord rate-limits message edits). */
  DEFORUM_PROGRESS_EDIT_MS: z.coerce.number().int().positive().default(3000),
  /** Origins besides Discord's CDN that attachments may be downloaded from (the test emulator's). */
  DEFORUM_CDN_ORIGINS: commaList.pipe(z.array(z.url())).default([]),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface BotConfig {
  token: string;
  applicationId: string;
  /** The REST base, or null for Discord's own. */
  apiUrl: string | null;
  databaseUrl: string;
  /** A DEFORUM_STORAGE_URL: what openStorage (src/storage/storage.ts) takes. */
  storageUrl: string;
  models: readonly string[];
  progressEditMs: number;
  cdnOrigins: readonly string[];
  logLevel: z.output<typeof envSchema>['LOG_LEVEL'];
}

export function loadBotConfig(env: NodeJS.ProcessEnv): BotConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => issue.path.join('.'));
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new DeforumError(
      { code: 'usage', argument: names.join(', '), reason: issues.join('; ') },
      `The bot's environment is invalid: ${issues.join('; ')}. Set these variables (see README, "Running the bot") ` +
        'and start the bot again.',
    );
  }
  const e = parsed.data;
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    apiUrl: e.DISCORD_API_URL ?? null,
    databaseUrl: e.DATABASE_URL,
    storageUrl: e.DEFORUM_STORAGE_URL ?? e.DEFORUM_STORAGE_DIR ?? 'storage',
    models: e.DEFORUM_MODELS,
    progressEditMs: e.DEFORUM_PROGRESS_EDIT_MS,
    cdnOrigins: e.DEFORUM_CDN_ORIGINS,
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * The `quota_usage` table: render units per user per period, reserved by queued and running jobs and used by
 * finished ones. A reservation is one conditional upsert (the check and the write in one statement), taken inside
 * the submit's transaction. Units go back when a job fails or is cancelled: the jobs trigger in the migration
 * charges the frames done and returns the rest, so no code path can forget it.
 */
import { DeforumError } from '../core/errors.js';
import type { JobDatabase } from './database.js';
import { limitsFor } from './server-store.js';
import type { JobStoreConfig, QuotaLimits } from './store-config.js';
import type { Tx } from './user-store.js';

export interface QuotaStatus {
  limit: number;
  used: number;
  reserved: number;
  remaining: number;
  periodStart: Date;
  resetsAt: Date;
}

/** Reserves `units` in the current period or throws `quota_exceeded`; returns the period's start. */
export async function reserveUnits(tx: Tx, userId: string, units: number, limits: QuotaLimits): Promise<Date> {
  const period = limits.periodSeconds;
  const limit = limits.unitsPerPeriod;
  const rows = await tx.$queryRaw<{ period_start: Date }[]>`
    INSERT INTO quota_usage (user_id, period_start, reserved, used)
    SELECT ${userId}, to_timestamp(floor(extract(epoch FROM now()) / ${period}::int) * ${period}::int), ${units}::int, 0
     WHERE ${units}::int <= ${limit}::int
    ON CONFLICT (user_id, period_start) DO UPDATE SET reserved = quota_usage.reserved + EXCLUDED.reserved
     WHERE quota_usage.reserved + quota_usage.used + EXCLUDED.reserved <= ${limit}::int
    RETURNING period_start`;
  const reserved = rows[0];
  if (reserved !== undefined) return reserved.period_start;
  const status = await readQuota(tx, userId, limits);
  throw new DeforumError(
    {
      code: 'quota_exceeded',
      limit,
      used: status.used,
      reserved: status.reserved,
      requested: units,
      resetsAt: status.resetsAt,
    },
    `This render costs ${units} render units but only ${status.remaining} of your ${limit} are left until ` +
      `${status.resetsAt.toISOString()}. Render fewer frames, fewer steps or a smaller size, or wait for the reset.`,
  );
}

async function readQuota(tx: Tx | JobDatabase, userId: string, limits: QuotaLimits): Promise<QuotaStatus> {
  const period = limits.periodSeconds;
  const rows = await tx.$queryRaw<{ period_start: Date; reserved: number | null; used: number | null }[]>`
    SELECT p.start AS period_start, q.reserved, q.used
      FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / ${period}::int) * ${period}::int) AS start) p
      LEFT JOIN quota_usage q ON q.user_id = ${userId} AND q.period_start = p.start`;
  const row = rows[0];
  if (row === undefined) throw new Error('the quota query returned no row');
  const used = row.used ?? 0;
  const reserved = row.reserved ?? 0;
  return {
    limit: limits.unitsPerPeriod,
    used,
    reserved,
    remaining: Math.max(0, limits.unitsPerPeriod - used - reserved),
    periodStart: row.period_start,
    resetsAt: new Date(row.period_start.getTime() + period * 1000),
  };
}

export class QuotaStore {
  constructor(
    private readonly db: JobDatabase,
    private readonly config: Pick<JobStoreConfig, 'serverDefaults' | 'operatorLimits'>,
  ) {}

  /** What `/deforum quota` shows: units left in the current period and when it resets. */
  async getQuota(userId: string, serverId: string | null): Promise<QuotaStatus> {
    return this.db.$transaction(async (tx) => readQuota(tx, userId, await limitsFor(tx, serverId, this.config)));
  }

  /**
   * Deletes the rows of periods that have ended and hold no reservation (the bot's daily sweep). A row does not
   * record its period's length, so "ended" uses the longest period any server or the defaults use.
   */
  async sweepPastPeriods(): Promise<number> {
    const longest = Math.max(this.config.serverDefaults.periodSeconds, this.config.operatorLimits.periodSeconds);
    return this.db.$executeRaw`
      DELETE FROM quota_usage
       WHERE reserved = 0
         AND period_start + make_interval(secs => GREATEST(${longest}::int,
               (SELECT coalesce(max(period_seconds), 0) FROM servers))) <= now()`;
  }
}

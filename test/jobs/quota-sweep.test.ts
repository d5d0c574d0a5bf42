/** QuotaStore.sweepPastPeriods (the bot's daily sweep): ended, unreserved periods go; the rest stay. */
import { expect, it } from 'vitest';
import { QuotaStore } from '../../src/jobs/quota-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../../src/jobs/store-config.js';
import { useTestDatabase } from '../support/database.js';

const getDb = useTestDatabase('quota_sweep');

it('deletes rows of ended periods without reservations, by the longest period any server uses', async () => {
  const db = getDb();
  await db.query("INSERT INTO users (id) VALUES ('u')");
  const rows: [string, number][] = [
    ["now() - interval '3 days'", 0], // ended, nothing reserved: swept
    ["now() - interval '4 days'", 5], // ended, but a job still holds units there: kept
    ["now() - interval '1 hour'", 0], // the current day: kept
  ];
  for (const [start, reserved] of rows) {
    await db.query(`INSERT INTO quota_usage (user_id, period_start, reserved, used) VALUES ('u', ${start}, $1, 7)`, [
      reserved,
    ]);
  }
  const quota = new QuotaStore(db.prisma, DEFAULT_JOB_STORE_CONFIG);
  expect(await quota.sweepPastPeriods()).toBe(1);
  expect(await db.query('SELECT reserved FROM quota_usage ORDER BY period_start')).toEqual([
    { reserved: 5 },
    { reserved: 0 },
  ]);

  // A server with a week-long period keeps three-day-old rows: they may still be its current period.
  await db.query(
    "INSERT INTO quota_usage (user_id, period_start, reserved, used) VALUES ('u', now() - interval '3 days', 0, 1)",
  );
  await db.query(
    `INSERT INTO servers (id, max_width, max_height, max_steps, max_frames, units_per_period, period_seconds)
     VALUES ('weekly', 512, 512, 50, 100, 100, 604800)`,
  );
  expect(await quota.sweepPastPeriods()).toBe(0);
});

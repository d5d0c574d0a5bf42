/**
 * Job queue throughput on the local Postgres (issue 7 "Speed", runtime-notes §E): 32 concurrent claimers drain
 * a queue of jobs from many users, each claim followed by its completion, through JobLeases (the fair-share
 * claim) and, in the same process on a fresh queue, the plain priority/age claim of runtime-notes §E as the
 * baseline. Reports claims/s, p50/p99 claim latency and double claims (a job claimed twice, or an attempt ≠ 1);
 * the last line is one JSON object. Target: ≥ 500 claims/s and zero double claims.
 *
 *   npx tsx bench/queue.bench.ts [--jobs 4000] [--users 100] [--claimers 32]
 */
import { parseArgs } from 'node:util';
import type { JobDatabase } from '../src/jobs/database.js';
import { JobLeases, type Lease } from '../src/jobs/job-leases.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../src/jobs/store-config.js';
import { createTestDatabase, dropTestDatabase, type TestDatabase } from '../test/support/database.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '4000' },
    users: { type: 'string', default: '100' },
    claimers: { type: 'string', default: '32' },
  },
});
const JOBS = Number(values.jobs);
const USERS = Number(values.users);
const CLAIMERS = Number(values.claimers);

interface Claimed {
  lease: Lease;
}
type Claim = (workerId: string) => Promise<Claimed | null>;

interface RunResult {
  claims_per_s: number;
  p50_claim_ms: number;
  p99_claim_ms: number;
  double_claims: number;
  left_over: number;
}

async function seed(db: TestDatabase): Promise<void> {
  await db.query('TRUNCATE jobs, users CASCADE');
  await db.query(`INSERT INTO users (id) SELECT 'user' || i FROM generate_series(0, $1::int - 1) i`, [USERS]);
  // Users own very different numbers of jobs (user0 the most), as on a busy server.
  await db.query(
    `INSERT INTO jobs (user_id, settings, model, max_frames, cost_units, quota_period_start, priority, created_at)
     SELECT 'user' || floor($2::int * power(random(), 2))::int, '{}', 'sd15', 10, 0, now(), (i % 3),
            now() - make_interval(secs => $1::int - i)
       FROM generate_series(1, $1::int) i`,
    [JOBS, USERS],
  );
}

async function drain(db: TestDatabase, claim: Claim, complete: (lease: Lease) => Promise<unknown>): Promise<RunResult> {
  await seed(db);
  const latencies: number[] = [];
  const seen = new Map<string, number>();
  let badAttempts = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLAIMERS }, async (_, w) => {
      for (;;) {
        const t0 = performance.now();
        const claimed = await claim(`bench-${w}`);
        latencies.push(performance.now() - t0);
        if (claimed === null) return;
        seen.set(claimed.lease.jobId, (seen.get(claimed.lease.jobId) ?? 0) + 1);
        if (claimed.lease.attempt !== 1) badAttempts += 1;
        await complete(claimed.lease);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const left = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE state <> 'succeeded'`);
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return {
    claims_per_s: round(seen.size / seconds),
    p50_claim_ms: pct(0.5),
    p99_claim_ms: pct(0.99),
    double_claims: [...seen.values()].filter((n) => n > 1).length + badAttempts,
    left_over: left[0]?.n ?? -1,
  };
}

/** Baseline: runtime-notes §E's claim (priority, then age; no fair share, no model filter). */
function baselineClaim(prisma: JobDatabase): Claim {
  return async (workerId) => {
    const rows = await prisma.$queryRaw<{ id: string; attempt: number; lease_until: Date }[]>`
      WITH next AS (
        SELECT id FROM jobs WHERE state = 'queued' AND run_after <= now()
         ORDER BY priority DESC, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      UPDATE jobs j SET state = 'running', worker_id = ${workerId}, attempt = j.attempt + 1,
             lease_until = now() + make_interval(secs => 30)
        FROM next WHERE j.id = next.id
      RETURNING j.id, j.attempt, j.lease_until`;
    const row = rows[0];
    return row === undefined
      ? null
      : { lease: { jobId: row.id, workerId, attempt: row.attempt, leaseUntil: row.lease_until } };
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const db = await createTestDatabase('queue_bench', { poolSize: CLAIMERS + 4 });
try {
  const leases = new JobLeases(db.prisma, DEFAULT_JOB_STORE_CONFIG);
  const complete = (lease: Lease): Promise<unknown> => leases.complete(lease, { resultKey: 'jobs/bench/result.mp4' });
  // Warm-up: connections and prepared plans.
  await drain(db, (w) => leases.claim({ workerId: w, models: ['sd15'] }), complete);
  const baseline = await drain(db, baselineClaim(db.prisma), complete);
  const fair = await drain(db, (w) => leases.claim({ workerId: w, models: ['sd15'] }), complete);
  process.stdout.write(`baseline (priority/age claim): ${JSON.stringify(baseline)}\n`);
  process.stdout.write(`fair-share claim:              ${JSON.stringify(fair)}\n`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'queue',
      jobs: JOBS,
      users: USERS,
      claimers: CLAIMERS,
      ...fair,
      baseline_claims_per_s: baseline.claims_per_s,
      baseline_p99_claim_ms: baseline.p99_claim_ms,
      ratio_vs_baseline: round(fair.claims_per_s / baseline.claims_per_s),
      target_claims_per_s: 500,
    })}\n`,
  );
} finally {
  await dropTestDatabase(db);
}

/**
 * The database enforces the job state machine on its own: every (from, to) pair is tried with plain SQL, and the
 * trigger must accept exactly the moves in JOB_TRANSITIONS. Also the CHECKs behind fencing and quotas.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { isLegalTransition, JOB_STATUSES, type JobStatus } from '../../src/jobs/job-state.js';
import { useTestDatabase } from '../support/database.js';
import { defined } from './fixtures.js';

const db = useTestDatabase('job_state_sql');

const INTO: Record<JobStatus, string> = {
  queued: `state = 'queued'`,
  running: `state = 'running', attempt = attempt + 1, worker_id = 'w', lease_until = now() + interval '1 minute'`,
  succeeded: `state = 'succeeded', result_key = 'jobs/x/result.mp4'`,
  failed: `state = 'failed'`,
  cancelled: `state = 'cancelled'`,
};
/** A legal path from a new (queued) job to each state. */
const PATH: Record<JobStatus, JobStatus[]> = {
  queued: [],
  running: ['running'],
  succeeded: ['running', 'succeeded'],
  failed: ['running', 'failed'],
  cancelled: ['cancelled'],
};

async function newJob(): Promise<string> {
  const rows = await db().query<{ id: string }>(
    `INSERT INTO jobs (user_id, settings, model, max_frames, cost_units, quota_period_start)
     VALUES ('u', '{}', 'm', 10, 0, now()) RETURNING id`,
  );
  return defined(rows[0], 'the new job').id;
}

async function move(id: string, to: JobStatus): Promise<void> {
  await db().query(`UPDATE jobs SET ${INTO[to]} WHERE id = $1`, [id]);
}

beforeAll(async () => {
  await db().query(`INSERT INTO users (id) VALUES ('u')`);
});

describe('state transitions in SQL', () => {
  const pairs = JOB_STATUSES.flatMap((from) =>
    JOB_STATUSES.filter((to) => to !== from).map((to) => ({ from, to, legal: isLegalTransition(from, to) })),
  );

  test.each(pairs)('$from → $to is legal: $legal', async ({ from, to, legal }) => {
    const id = await newJob();
    for (const step of PATH[from]) await move(id, step);
    const attempt = move(id, to);
    if (legal) await expect(attempt).resolves.toBeUndefined();
    else await expect(attempt).rejects.toThrow(`illegal job state transition ${from} -> ${to}`);
  });

  test('a job cannot be inserted already running', async () => {
    await expect(
      db().query(
        `INSERT INTO jobs (user_id, settings, model, max_frames, cost_units, quota_period_start, state, attempt,
                           worker_id, lease_until)
         VALUES ('u', '{}', 'm', 10, 0, now(), 'running', 1, 'w', now())`,
      ),
    ).rejects.toThrow('a job starts queued');
  });

  test('a state outside the five is refused by the CHECK', async () => {
    const id = await newJob();
    await expect(db().query(`UPDATE jobs SET state = 'paused' WHERE id = $1`, [id])).rejects.toThrow();
  });

  test('a claim must take exactly the next attempt number', async () => {
    const id = await newJob();
    await expect(
      db().query(`UPDATE jobs SET state = 'running', attempt = 5, worker_id = 'w', lease_until = now() WHERE id = $1`, [
        id,
      ]),
    ).rejects.toThrow('a claim must take attempt 1');
  });

  test('a running job cannot change hands or attempt without going through the queue', async () => {
    const id = await newJob();
    await move(id, 'running');
    await expect(db().query(`UPDATE jobs SET worker_id = 'thief' WHERE id = $1`, [id])).rejects.toThrow(
      'change only when it is claimed',
    );
    await expect(db().query(`UPDATE jobs SET attempt = attempt + 1 WHERE id = $1`, [id])).rejects.toThrow(
      'change only when it is claimed',
    );
  });

  test('running needs a lease; a succeeded job needs its result', async () => {
    const id = await newJob();
    await expect(
      db().query(`UPDATE jobs SET state = 'running', attempt = 1, worker_id = 'w' WHERE id = $1`, [id]),
    ).rejects.toThrow('jobs_running_has_lease');
    await move(id, 'running');
    await expect(db().query(`UPDATE jobs SET state = 'succeeded' WHERE id = $1`, [id])).rejects.toThrow(
      'jobs_succeeded_has_result',
    );
  });

  test('checkpoints never go back', async () => {
    const id = await newJob();
    await move(id, 'running');
    await db().query(`UPDATE jobs SET frames_done = 5 WHERE id = $1`, [id]);
    await expect(db().query(`UPDATE jobs SET frames_done = 2 WHERE id = $1`, [id])).rejects.toThrow('cannot go back');
  });
});

describe('fencing and quota constraints', () => {
  test('a frame is written only by the attempt that holds the job', async () => {
    const id = await newJob();
    await move(id, 'running');
    await db().query(`INSERT INTO job_frames (job_id, frame_index, storage_key, attempt) VALUES ($1, 0, 'k', 1)`, [id]);
    await expect(
      db().query(`INSERT INTO job_frames (job_id, frame_index, storage_key, attempt) VALUES ($1, 1, 'k', 2)`, [id]),
    ).rejects.toThrow('does not hold its lease');
    await move(id, 'cancelled');
    await expect(
      db().query(`INSERT INTO job_frames (job_id, frame_index, storage_key, attempt) VALUES ($1, 1, 'k', 1)`, [id]),
    ).rejects.toThrow('does not hold its lease');
  });

  test('a frame index is stored once per job', async () => {
    const id = await newJob();
    await move(id, 'running');
    const insert = `INSERT INTO job_frames (job_id, frame_index, storage_key, attempt) VALUES ($1, 3, 'k', 1)`;
    await db().query(insert, [id]);
    await expect(db().query(insert, [id])).rejects.toThrow('job_frames_pkey');
  });

  test('quota usage cannot go negative', async () => {
    await db().query(`INSERT INTO quota_usage (user_id, period_start, reserved, used) VALUES ('u', now(), 5, 0)`);
    await expect(db().query(`UPDATE quota_usage SET reserved = reserved - 6 WHERE user_id = 'u'`)).rejects.toThrow(
      'quota_usage_non_negative',
    );
  });

  test('preset names are unique per user', async () => {
    const insert = `INSERT INTO presets (user_id, name, settings) VALUES ('u', 'zoom', '{}')`;
    await db().query(insert);
    await expect(db().query(insert)).rejects.toThrow('presets_user_id_name_key');
  });
});

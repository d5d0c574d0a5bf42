/**
 * Wakes idle workers when a job becomes claimable: one pg client per worker process runs `LISTEN deforum_jobs`
 * (the jobs triggers NOTIFY on insert and on every move back to queued). Prisma's pooled connections cannot hold
 * a LISTEN, so this is the one place that uses pg directly. A notification that arrives while nobody waits is
 * remembered, so a worker between two waits never misses a job.
 */
import pg from 'pg';

export const JOBS_CHANNEL = 'deforum_jobs';

export type WakeReason = 'notified' | 'timeout' | 'aborted';

export class JobWakeups {
  private pending = false;
  private lost = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly client: pg.Client) {
    // A dropped LISTEN connection (Postgres restarted) must not crash the worker: from then on every wait runs
    // to its timeout, so the worker keeps claiming by polling.
    client.on('error', () => {
      this.lost = true;
    });
    client.on('notification', (message) => {
      if (message.channel !== JOBS_CHANNEL) return;
      this.pending = true;
      for (const wake of [...this.waiters]) wake();
    });
  }

  static async listen(databaseUrl: string): Promise<JobWakeups> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`LISTEN ${JOBS_CHANNEL}`);
    return new JobWakeups(client);
  }

  /**
   * Resolves on the next NOTIFY (or at once if one came since the last wait), after `timeoutMs` (poll anyway:
   * delayed retries become claimable without a NOTIFY), or when `signal` aborts.
   */
  waitForJob(options: { signal?: AbortSignal; timeoutMs: number }): Promise<WakeReason> {
    if (options.signal?.aborted === true) return Promise.resolve('aborted');
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      const finish = (reason: WakeReason): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(onNotify);
        if (reason === 'notified') this.pending = false;
        resolve(reason);
      };
      const onNotify = (): void => finish('notified');
      const onAbort = (): void => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
      this.waiters.add(onNotify);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    for (const wake of [...this.waiters]) wake();
    if (!this.lost) await this.client.end();
  }
}

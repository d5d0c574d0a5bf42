/**
 * The bot's side of `NOTIFY deforum_progress` (the jobs trigger sends the job id on every recorded frame and every
 * change of state): one pg client holds the LISTEN, since Prisma's pooled connections cannot. Unlike
 * job-wakeups.ts (workers only need "something is claimable"), the bot needs each payload to know which card to
 * edit. A dropped connection (Postgres restarted) is reopened with backoff; meanwhile the bot's periodic sweep
 * of open cards keeps them moving, and `onReconnect` lets it catch up on what was missed.
 */
import pg from 'pg';

export const PROGRESS_CHANNEL = 'deforum_progress';

const RECONNECT_MS = { first: 500, max: 30_000 };

export interface ProgressListenerOptions {
  databaseUrl: string;
  onJob: (jobId: string) => void;
  /** Called after the LISTEN is back following a dropped connection. */
  onReconnect?: () => void;
  onError?: (error: unknown) => void;
}

export class ProgressListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: ProgressListenerOptions) {}

  static async listen(options: ProgressListenerOptions): Promise<ProgressListener> {
    const listener = new ProgressListener(options);
    await listener.connect();
    return listener;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === PROGRESS_CHANNEL && message.payload !== undefined) this.options.onJob(message.payload);
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client, null));
    await client.connect();
    await client.query(`LISTEN ${PROGRESS_CHANNEL}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
  }

  private dropped(client: pg.Client, error: unknown): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    if (error !== null) this.options.onError?.(error);
    this.reconnect(RECONNECT_MS.first);
  }

  private reconnect(delayMs: number): void {
    this.retryTimer = setTimeout(() => {
      this.connect().then(
        () => {
          if (!this.closed) this.options.onReconnect?.();
        },
        (error: unknown) => {
          this.options.onError?.(error);
          if (!this.closed) this.reconnect(Math.min(delayMs * 2, RECONNECT_MS.max));
        },
      );
    }, delayMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end();
  }
}

/**
 * The worker's Prometheus metrics, written in the text exposition format by hand (a handful of counters needs no
 * client library): claims, frames and their render seconds, frames per second over the last minute, failures by
 * kind, jobs in flight, and the queue depth read at scrape time.
 */
export type FailureKind = 'retryable' | 'permanent' | 'lease_lost';

const FRAME_WINDOW_MS = 60_000;

export class WorkerMetrics {
  claims = 0;
  completed = 0;
  released = 0;
  running = 0;
  private frames = 0;
  private frameSeconds = 0;
  private readonly recentFrames: number[] = [];
  private readonly failures: Record<FailureKind, number> = { retryable: 0, permanent: 0, lease_lost: 0 };

  frameRecorded(seconds: number, now = Date.now()): void {
    this.frames++;
    this.frameSeconds += seconds;
    this.recentFrames.push(now);
    this.trim(now);
  }

  failed(kind: FailureKind): void {
    this.failures[kind]++;
  }

  framesPerSecond(now = Date.now()): number {
    this.trim(now);
    return this.recentFrames.length / (FRAME_WINDOW_MS / 1000);
  }

  /** The exposition text; `queueDepth` is null when the database could not be read. */
  render(labels: { workerId: string }, queueDepth: number | null, now = Date.now()): string {
    const worker = `worker_id="${labels.workerId.replace(/["\\\n]/g, '_')}"`;
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [string, number][]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [extra, value] of samples)
        lines.push(`${name}{${[worker, extra].filter(Boolean).join(',')}} ${value}`);
    };
    if (queueDepth !== null) metric('deforum_queue_depth', 'gauge', 'Jobs waiting in the queue.', [['', queueDepth]]);
    metric('deforum_worker_claims_total', 'counter', 'Jobs claimed by this worker.', [['', this.claims]]);
    metric('deforum_worker_jobs_running', 'gauge', 'Jobs this worker is rendering now.', [['', this.running]]);
    metric('deforum_worker_jobs_completed_total', 'counter', 'Jobs this worker completed.', [['', this.completed]]);
    metric('deforum_worker_jobs_released_total', 'counter', 'Jobs given back on shutdown.', [['', this.released]]);
    metric('deforum_worker_frames_total', 'counter', 'Frames rendered and recorded.', [['', this.frames]]);
    metric('deforum_worker_frame_seconds_total', 'counter', 'Seconds spent per recorded frame, summed.', [
      ['', this.frameSeconds],
    ]);
    metric('deforum_worker_frames_per_second', 'gauge', 'Frames recorded per second over the last minute.', [
      ['', this.framesPerSecond(now)],
    ]);
    metric(
      'deforum_worker_failures_total',
      'counter',
      'Attempts that ended without a result, by kind.',
      Object.entries(this.failures).map(([kind, value]) => [`kind="${kind}"`, value]),
    );
    return `${lines.join('\n')}\n`;
  }

  private trim(now: number): void {
    while (this.recentFrames.length > 0 && (this.recentFrames[0] ?? now) <= now - FRAME_WINDOW_MS) {
      this.recentFrames.shift();
    }
  }
}

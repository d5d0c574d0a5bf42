/**
 * A job as the bot, the worker and the CLI see it: the flat `jobs` row parsed once into a JobState (style.md B6)
 * plus what is not state (owner, settings, cost, progress message). The store reads jobs with raw SQL, so the row
 * type is the table's own snake_case columns.
 */
import type { JobError, JobState, JobStatus } from './job-state.js';
import { JOB_STATUSES } from './job-state.js';

export interface JobRow {
  id: string;
  user_id: string;
  server_id: string | null;
  settings: unknown;
  model: string;
  preview: boolean;
  priority: number;
  state: string;
  attempt: number;
  failed_attempts: number;
  max_attempts: number;
  worker_id: string | null;
  lease_until: Date | null;
  run_after: Date;
  max_frames: number;
  frames_done: number;
  cost_units: number;
  units_reserved: number;
  units_used: number;
  quota_period_start: Date;
  last_error_code: string | null;
  last_error_message: string | null;
  result_key: string | null;
  progress_channel_id: string | null;
  progress_message_id: string | null;
  request: unknown;
  upload_limit_bytes: number | null;
  gif_key: string | null;
  fit_key: string | null;
  flagged: boolean;
  result_channel_id: string | null;
  result_message_id: string | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  claimed_at: Date | null;
  finished_at: Date | null;
}

export interface DiscordMessageRef {
  channelId: string;
  messageId: string;
}

export interface JobRecord {
  id: string;
  userId: string;
  serverId: string | null;
  model: string;
  preview: boolean;
  priority: number;
  /** The settings the job renders (a full DeforumSettings object, validated at submit). */
  settings: Readonly<Record<string, unknown>>;
  state: JobState;
  maxFrames: number;
  /** Frames checkpointed: frames 0 … framesDone − 1 are stored and a resumed render starts at framesDone. */
  framesDone: number;
  maxAttempts: number;
  costUnits: number;
  unitsReserved: number;
  unitsUsed: number;
  /** The last error of any attempt, also after a retry succeeded. */
  lastError: JobError | null;
  resultKey: string | null;
  progressMessage: DiscordMessageRef | null;
  /** What the user typed in Discord (bot/request), or null for CLI submits. */
  request: Readonly<Record<string, unknown>> | null;
  /** The upload limit of the channel the result goes to; the worker adds a fit-to-size MP4 when over it. */
  uploadLimitBytes: number | null;
  /** The GIF the settings asked for (`make_gif`). */
  gifKey: string | null;
  /** The result re-encoded to fit uploadLimitBytes, when the result is larger. */
  fitKey: string | null;
  /** The model's safety checker flagged a frame. */
  flagged: boolean;
  /** The message the finished video was posted in, once delivered. */
  resultMessage: DiscordMessageRef | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export function toJobRecord(row: JobRow): JobRecord {
  const lastError =
    row.last_error_code === null ? null : { code: row.last_error_code, message: row.last_error_message ?? '' };
  return {
    id: row.id,
    userId: row.user_id,
    serverId: row.server_id,
    model: row.model,
    preview: row.preview,
    priority: row.priority,
    settings: isRecord(row.settings) ? row.settings : {},
    state: toJobState(row, lastError),
    maxFrames: row.max_frames,
    framesDone: row.frames_done,
    maxAttempts: row.max_attempts,
    costUnits: row.cost_units,
    unitsReserved: row.units_reserved,
    unitsUsed: row.units_used,
    lastError,
    resultKey: row.result_key,
    progressMessage:
      row.progress_channel_id !== null && row.progress_message_id !== null
        ? { channelId: row.progress_channel_id, messageId: row.progress_message_id }
        : null,
    request: isRecord(row.request) ? row.request : null,
    uploadLimitBytes: row.upload_limit_bytes,
    gifKey: row.gif_key,
    fitKey: row.fit_key,
    flagged: row.flagged,
    resultMessage:
      row.result_channel_id !== null && row.result_message_id !== null
        ? { channelId: row.result_channel_id, messageId: row.result_message_id }
        : null,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function toJobState(row: JobRow, lastError: JobError | null): JobState {
  const status = parseStatus(row);
  const attempts = row.attempt;
  const lastFrame = row.frames_done;
  switch (status) {
    case 'queued':
      return { status, attempts, failedAttempts: row.failed_attempts, runAfter: row.run_after, lastFrame };
    case 'running':
      if (row.worker_id === null || row.lease_until === null) throw corrupt(row, 'running without a worker or lease');
      return {
        status,
        attempts,
        failedAttempts: row.failed_attempts,
        workerId: row.worker_id,
        leaseUntil: row.lease_until,
        lastFrame,
      };
    case 'succeeded':
      if (row.result_key === null) throw corrupt(row, 'succeeded without a result');
      return { status, attempts, outputKey: row.result_key };
    case 'failed':
      return { status, attempts, lastFrame, error: lastError ?? { code: 'unknown', message: 'no reason recorded' } };
    case 'cancelled':
      return { status, attempts, lastFrame };
  }
}

function parseStatus(row: JobRow): JobStatus {
  const status = JOB_STATUSES.find((candidate) => candidate === row.state);
  if (status === undefined) throw corrupt(row, `unknown state '${row.state}'`);
  return status;
}

/** The CHECK constraints make these impossible; reaching one means the schema and this code disagree. */
function corrupt(row: JobRow, reason: string): Error {
  return new Error(`job ${row.id} breaks the jobs table's constraints: ${reason}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

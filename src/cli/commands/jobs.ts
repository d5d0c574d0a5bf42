/**
 * `deforum jobs list|show|cancel|resume`: the operations the bot uses, for operators and scripts.
 * `deforum jobs show ID --json` prints the job's state, frames done and result location as one JSON object.
 * Operators act on any job (an admin actor); the bot passes the Discord user instead.
 */
import type { Command } from 'commander';
import type { JobRecord } from '../../jobs/job-record.js';
import { JOB_STATUSES, type JobStatus } from '../../jobs/job-state.js';
import { usageError } from '../cli-arguments.js';
import { withJobServices } from '../job-services.js';

export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('List, show, cancel and resume queued jobs');

  jobs
    .command('list')
    .description('The newest jobs, optionally of one user or in some states')
    .option('--user <id>', 'only this user’s jobs')
    .option('--state <states>', `comma-separated: ${JOB_STATUSES.join(', ')}`, statesOption)
    .option('--limit <n>', 'how many', (text) => Number.parseInt(text, 10), 25)
    .option('--json', 'one JSON array')
    .action(async (options: { user?: string; state?: JobStatus[]; limit: number; json?: boolean }) => {
      const list = await withJobServices(({ jobs: store }) =>
        store.listJobs({
          ...(options.user !== undefined && { userId: options.user }),
          ...(options.state !== undefined && { states: options.state }),
          limit: options.limit,
        }),
      );
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(list.map(jobJson), null, 2)}\n`);
        return;
      }
      for (const job of list) {
        process.stdout.write(
          `${job.id}  ${job.state.status.padEnd(9)}  ${`${job.framesDone}/${job.maxFrames}`.padStart(11)}  ` +
            `${job.userId}  ${job.model}  ${job.createdAt.toISOString()}\n`,
        );
      }
    });

  jobs
    .command('show')
    .description('A job’s state, frames done, result location and last error')
    .argument('<id>', 'job id (as printed by `deforum submit`)')
    .option('--json', 'one JSON object')
    .action(async (id: string, options: { json?: boolean }) => {
      const job = await withJobServices(({ jobs: store }) => store.getJob(id));
      printJob(job, options.json === true);
    });

  jobs
    .command('cancel')
    .description('Cancel a queued or running job; frames not done return their render units')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      printJob(await withJobServices(({ jobs: store }) => store.cancel(id, null)), false);
    });

  jobs
    .command('resume')
    .description('Queue a failed or cancelled job again; it continues from its last checkpointed frame')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      printJob(await withJobServices(({ jobs: store }) => store.resume(id, null)), false);
    });
}

/** The JSON shape of `jobs show --json`: stable keys for scripts. */
export function jobJson(job: JobRecord): Record<string, unknown> {
  return {
    id: job.id,
    state: job.state.status,
    attempt: job.state.attempts,
    framesDone: job.framesDone,
    maxFrames: job.maxFrames,
    result: job.resultKey,
    userId: job.userId,
    serverId: job.serverId,
    model: job.model,
    preview: job.preview,
    priority: job.priority,
    costUnits: job.costUnits,
    unitsReserved: job.unitsReserved,
    unitsUsed: job.unitsUsed,
    lastError: job.lastError,
    workerId: job.state.status === 'running' ? job.state.workerId : null,
    leaseUntil: job.state.status === 'running' ? job.state.leaseUntil.toISOString() : null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

function printJob(job: JobRecord, json: boolean): void {
  const fields = jobJson(job);
  if (json) {
    process.stdout.write(`${JSON.stringify(fields, null, 2)}\n`);
    return;
  }
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function statesOption(text: string): JobStatus[] {
  return text.split(',').map((name) => {
    const state = JOB_STATUSES.find((candidate) => candidate === name.trim());
    if (state === undefined) throw usageError('--state', `'${name}' is not one of ${JOB_STATUSES.join(', ')}`);
    return state;
  });
}

/**
 * How a job is named to its user: a one-line label (short id, state, frames, first prompt) for lists and the
 * autocomplete of job options, whose value is the full id the stores take.
 */
import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { JobRecord } from '../../../jobs/job-record.js';

/** A job's first prompt, for recognising it in a list. */
export function firstPrompt(job: Pick<JobRecord, 'settings'>): string {
  const prompts = job.settings['prompts'];
  const first =
    typeof prompts === 'object' && prompts !== null ? Object.values(prompts).find((p) => typeof p === 'string') : null;
  return typeof first === 'string' ? (first.split('--neg')[0]?.trim() ?? '') : '';
}

export function jobLabel(job: JobRecord): string {
  const prompt = firstPrompt(job);
  const parts = [job.id.slice(0, 8), job.state.status, `${job.framesDone}/${job.maxFrames}`];
  return prompt === '' ? parts.join(' · ') : `${parts.join(' · ')} · ${prompt}`;
}

export function jobChoices(jobs: readonly JobRecord[]): ApplicationCommandOptionChoiceData<string>[] {
  return jobs.map((job) => ({ name: jobLabel(job).slice(0, 100), value: job.id }));
}

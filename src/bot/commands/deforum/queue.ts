/** `/deforum queue`: the user's recent jobs with their state, frames and place in line, privately. */
import type { JobRecord } from '../../../jobs/job-record.js';
import type { BotDeps } from '../../deps.js';
import { defineSubcommand } from '../define.js';
import { firstPrompt } from './job-choices.js';

const SHOWN_JOBS = 10;

export const queue = defineSubcommand({
  name: 'queue',
  describe: (b) => b.setDescription('Your recent jobs: state, frames rendered and place in line'),
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    const jobs = await deps.jobs.listJobs({ userId: interaction.user.id, limit: SHOWN_JOBS });
    if (jobs.length === 0) {
      await interaction.editReply('You have no jobs yet. Start one with /deforum animate.');
      return;
    }
    const lines = await Promise.all(jobs.map((job) => jobLine(job, deps)));
    await interaction.editReply(`Your ${jobs.length === SHOWN_JOBS ? 'latest ' : ''}jobs:\n${lines.join('\n')}`);
  },
});

async function jobLine(job: JobRecord, deps: BotDeps): Promise<string> {
  const frames = `frame ${job.framesDone}/${job.maxFrames}`;
  const prompt = firstPrompt(job).slice(0, 60);
  const head = `\`${job.id}\` ${prompt === '' ? '' : `*${prompt}* `}— `;
  switch (job.state.status) {
    case 'queued': {
      const ahead = await deps.cards.queuePosition(job.id);
      const place = ahead === null ? 'queued' : ahead === 0 ? 'queued, next in line' : `queued, ${ahead} ahead`;
      return `${head}${place}${job.framesDone > 0 ? ` (resumes at ${frames})` : ''}`;
    }
    case 'running':
      return `${head}rendering ${frames}`;
    case 'succeeded':
      return `${head}done, ${job.maxFrames} frames`;
    case 'failed':
      return `${head}failed at ${frames}: ${job.state.error.message.slice(0, 120)}`;
    case 'cancelled':
      return `${head}cancelled at ${frames}`;
  }
}

/**
 * /deforum resume: a failed or cancelled job goes back to the queue and any worker continues it from its last
 * checkpointed frame. The job keeps its card: the tracker edits it again (and posts a new one in the same channel
 * if it was deleted); a job that never had one gets a card here. The Resume button on a card runs the same.
 */
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { JobRecord } from '../../../jobs/job-record.js';
import type { BotDeps } from '../../deps.js';
import { postJobCard } from '../../progress/post-job-card.js';
import { sendableChannel } from '../../services/submit-job.js';
import { defineSubcommand } from '../define.js';

export const resume = defineSubcommand({
  name: 'resume',
  describe: (b) =>
    b
      .setDescription('Continue a failed or cancelled render from its last saved frame')
      .addStringOption((o) =>
        o.setName('job').setDescription('The job (pick from the list)').setRequired(true).setAutocomplete(true),
      ),
  response: 'defer-ephemeral',
  renders: true,
  async autocomplete(interaction, deps) {
    const typed = interaction.options.getFocused().trim().toLowerCase();
    const jobs = await deps.jobs.listJobs({
      userId: interaction.user.id,
      states: ['failed', 'cancelled'],
      limit: 25,
    });
    const now = deps.clock();
    return jobs
      .map((job) => ({ name: resumeLabel(job, now), value: job.id }))
      .filter((choice) => choice.name.toLowerCase().includes(typed) || choice.value.startsWith(typed));
  },
  async execute(interaction, deps) {
    const job = await resumeJob(interaction, interaction.options.getString('job', true), deps);
    await interaction.editReply(`Resumed job \`${job.id.slice(0, 8)}\` at frame ${job.framesDone}/${job.maxFrames}.`);
  },
});

/** Queues the job again (its owner only; JobStore.resume checks) and puts its card back to work. */
export async function resumeJob(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  jobId: string,
  deps: BotDeps,
): Promise<JobRecord> {
  const job = await deps.jobs.resume(jobId, { userId: interaction.user.id });
  if (job.progressMessage === null) {
    const channel = await sendableChannel(interaction.client, interaction.channelId);
    await postJobCard(channel, job, { ...deps, now: deps.clock });
  } else {
    deps.progress.track(job.id);
  }
  return job;
}

/** `fast-preview · 12/40 frames · failed 3 h ago · 1a2b3c4d`: what tells one interrupted job from another. */
function resumeLabel(job: JobRecord, now: Date): string {
  const preset = job.request?.['preset'];
  const name = typeof preset === 'string' ? preset : 'custom settings';
  const { status } = job.state;
  return `${name} · ${job.framesDone}/${job.maxFrames} frames · ${status} ${age(job.updatedAt, now)} · ${job.id.slice(0, 8)}`;
}

function age(at: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

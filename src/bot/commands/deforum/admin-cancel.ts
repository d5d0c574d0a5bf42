/** `/deforum admin cancel job:<autocomplete>`: an admin stops any queued or running job of this server. */
import { DeforumError } from '../../../core/errors.js';
import { defineSubcommand } from '../define.js';
import { serverOf } from '../guild-only.js';
import { jobChoices } from './job-choices.js';

export const adminCancel = defineSubcommand({
  name: 'cancel',
  group: 'admin',
  describe: (b) =>
    b
      .setDescription("Stop any member's queued or running job in this server")
      .addStringOption((o) =>
        o.setName('job').setDescription('The job (pick from the list)').setRequired(true).setAutocomplete(true),
      ),
  requires: 'manage-guild',
  response: 'defer-ephemeral',
  async autocomplete(interaction, deps) {
    const jobs = await deps.jobs.listJobs({
      states: ['queued', 'running'],
      idPrefix: interaction.options.getFocused(),
      limit: 100,
    });
    return jobChoices(jobs.filter((job) => job.serverId === interaction.guildId));
  },
  async execute(interaction, deps) {
    const serverId = serverOf(interaction);
    const job = await deps.jobs.getJob(interaction.options.getString('job', true).trim());
    if (job.serverId !== serverId) {
      throw new DeforumError(
        { code: 'job_not_found', jobId: job.id },
        `Job ${job.id} was not started in this server; admins can cancel only this server's jobs.`,
      );
    }
    const cancelled = await deps.jobs.cancel(job.id, null);
    deps.log.info({ jobId: job.id, owner: job.userId }, 'an admin cancelled a job');
    await interaction.editReply(
      `Cancelled job \`${cancelled.id}\` of <@${cancelled.userId}> at frame ${cancelled.framesDone}/${cancelled.maxFrames}.`,
    );
  },
});

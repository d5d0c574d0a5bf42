/** `/deforum cancel job:<autocomplete>`: the owner stops a queued or running job; unused units return. */
import { defineSubcommand } from '../define.js';
import { jobChoices } from './job-choices.js';

export const cancel = defineSubcommand({
  name: 'cancel',
  describe: (b) =>
    b
      .setDescription('Stop one of your queued or running jobs')
      .addStringOption((o) =>
        o.setName('job').setDescription('The job (pick from the list)').setRequired(true).setAutocomplete(true),
      ),
  response: 'defer-ephemeral',
  async autocomplete(interaction, deps) {
    const jobs = await deps.jobs.listJobs({
      userId: interaction.user.id,
      states: ['queued', 'running'],
      idPrefix: interaction.options.getFocused(),
    });
    return jobChoices(jobs);
  },
  async execute(interaction, deps) {
    const job = await deps.jobs.cancel(interaction.options.getString('job', true).trim(), {
      userId: interaction.user.id,
    });
    await interaction.editReply(
      `Cancelled job \`${job.id}\` at frame ${job.framesDone}/${job.maxFrames}. ` +
        `The units it did not use are back in your quota; /deforum resume continues it later.`,
    );
  },
});

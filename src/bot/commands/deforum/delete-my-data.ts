/**
 * `/deforum delete confirm:true`: removes everything the bot keeps about the user: jobs (queued and running
 * ones are cancelled first), their stored files, presets, quota history and drafts. Bans stay with the server.
 */
import { DeforumError } from '../../../core/errors.js';
import { defineSubcommand } from '../define.js';

export const deleteMyData = defineSubcommand({
  name: 'delete',
  describe: (b) =>
    b
      .setDescription('Delete all your jobs, their files and your presets (cannot be undone)')
      .addBooleanOption((o) =>
        o.setName('confirm').setDescription('True to really delete everything').setRequired(true),
      ),
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    if (!interaction.options.getBoolean('confirm', true)) {
      throw new DeforumError(
        { code: 'usage', argument: 'confirm', reason: 'not confirmed' },
        'Nothing was deleted. To delete all your jobs, files and presets, run /deforum delete with confirm: True.',
      );
    }
    const jobIds = await deps.moderation.deleteUserData(interaction.user.id);
    for (const jobId of jobIds) await deps.storage.deleteJob(jobId);
    deps.log.info({ jobs: jobIds.length }, 'deleted a user’s data');
    await interaction.editReply(
      `Deleted ${jobIds.length} job${jobIds.length === 1 ? '' : 's'} with their files, your presets and your ` +
        'quota history.',
    );
  },
});

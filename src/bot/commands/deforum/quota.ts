/** `/deforum quota`: render units left in this period, what is used and reserved, and when it resets. */
import { defineSubcommand } from '../define.js';

export const quota = defineSubcommand({
  name: 'quota',
  describe: (b) => b.setDescription('Your render units left, used and reserved, and when they reset'),
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    const status = await deps.quota.getQuota(interaction.user.id, interaction.guildId);
    const resets = Math.floor(status.resetsAt.getTime() / 1000);
    await interaction.editReply(
      `You have **${status.remaining}** of ${status.limit} render units left. ` +
        `Used: ${status.used}; reserved by queued or running jobs: ${status.reserved}. ` +
        `The quota resets <t:${resets}:R>.`,
    );
  },
});

/** `/deforum admin ban user: reason:`: the user can no longer start renders in this server. */
import { defineSubcommand } from '../define.js';
import { serverOf } from '../guild-only.js';
import { userOption } from './user-option.js';

export const adminBan = defineSubcommand({
  name: 'ban',
  group: 'admin',
  describe: (b) =>
    b
      .setDescription('Stop a member from rendering in this server')
      .addUserOption((o) => o.setName('user').setDescription('The member').setRequired(true))
      .addStringOption((o) => o.setName('reason').setDescription('Why (kept for other admins)').setMaxLength(200)),
  requires: 'manage-guild',
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    const userId = userOption(interaction);
    const reason = interaction.options.getString('reason')?.trim() ?? '';
    await deps.moderation.ban(serverOf(interaction), userId, interaction.user.id, reason);
    await interaction.editReply(
      `<@${userId}> can no longer render in this server. Their running jobs continue; cancel them with ` +
        '/deforum admin cancel. Undo with /deforum admin unban.',
    );
  },
});

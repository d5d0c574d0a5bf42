/** `/deforum admin unban user:`. */
import { defineSubcommand } from '../define.js';
import { serverOf } from '../guild-only.js';
import { userOption } from './user-option.js';

export const adminUnban = defineSubcommand({
  name: 'unban',
  group: 'admin',
  describe: (b) =>
    b
      .setDescription('Let a banned member render in this server again')
      .addUserOption((o) => o.setName('user').setDescription('The member').setRequired(true)),
  requires: 'manage-guild',
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    const userId = userOption(interaction);
    const unbanned = await deps.moderation.unban(serverOf(interaction), userId);
    await interaction.editReply(
      unbanned ? `<@${userId}> can render in this server again.` : `<@${userId}> was not banned in this server.`,
    );
  },
});

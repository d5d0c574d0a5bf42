/**
 * `/deforum admin blocklist action:(add|remove|list) term:`: words or phrases a prompt in this server may not
 * contain (checked when a render is requested). Discord allows no group below `admin`, so the action is an
 * option.
 */
import { DeforumError } from '../../../core/errors.js';
import { MAX_BLOCKED_TERM_CHARS } from '../../../jobs/moderation-store.js';
import { defineSubcommand } from '../define.js';
import { serverOf } from '../guild-only.js';

export const adminBlocklist = defineSubcommand({
  name: 'blocklist',
  group: 'admin',
  describe: (b) =>
    b
      .setDescription("Add, remove or list this server's blocked prompt terms")
      .addStringOption((o) =>
        o
          .setName('action')
          .setDescription('What to do')
          .setRequired(true)
          .addChoices(
            { name: 'add', value: 'add' },
            { name: 'remove', value: 'remove' },
            { name: 'list', value: 'list' },
          ),
      )
      .addStringOption((o) =>
        o.setName('term').setDescription('A word or phrase (for add and remove)').setMaxLength(MAX_BLOCKED_TERM_CHARS),
      ),
  requires: 'manage-guild',
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    const serverId = serverOf(interaction);
    const action = interaction.options.getString('action', true);
    if (action === 'list') {
      const terms = await deps.moderation.listBlockedTerms(serverId);
      await interaction.editReply(
        terms.length === 0
          ? 'The blocklist is empty. Add terms with /deforum admin blocklist action:add term:<word>.'
          : `Blocked terms (${terms.length}): ${terms.map((t) => `\`${t}\``).join(', ')}`,
      );
      return;
    }
    const term = interaction.options.getString('term');
    if (term === null) {
      throw new DeforumError(
        { code: 'usage', argument: 'term', reason: `missing for ${action}` },
        `Give the term to ${action}: /deforum admin blocklist action:${action} term:<word or phrase>.`,
      );
    }
    if (action === 'add') {
      const added = await deps.moderation.addBlockedTerm(serverId, term);
      await interaction.editReply(`Prompts in this server may no longer contain \`${added}\`.`);
    } else {
      const removed = await deps.moderation.removeBlockedTerm(serverId, term);
      await interaction.editReply(
        removed
          ? `Removed \`${term.trim().toLowerCase()}\` from the blocklist.`
          : `\`${term}\` was not on the blocklist.`,
      );
    }
  },
});

/** `/deforum preset delete name:<autocomplete>`. */
import { defineSubcommand } from '../define.js';
import { presetChoices } from './preset-choices.js';

export const presetDelete = defineSubcommand({
  name: 'delete',
  group: 'preset',
  describe: (b) =>
    b
      .setDescription('Delete one of your presets')
      .addStringOption((o) => o.setName('name').setDescription('The preset').setRequired(true).setAutocomplete(true)),
  response: 'defer-ephemeral',
  autocomplete: presetChoices,
  async execute(interaction, deps) {
    const name = interaction.options.getString('name', true).trim();
    await deps.presets.delete(interaction.user.id, name);
    await interaction.editReply(`Deleted your preset **${name}**.`);
  },
});

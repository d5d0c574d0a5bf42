/** `/deforum preset show name:<autocomplete>`: a preset's settings, inline when short, else as a JSON file. */
import { AttachmentBuilder } from 'discord.js';
import { defineSubcommand } from '../define.js';
import { presetChoices } from './preset-choices.js';

/** Longer settings go in a file: a message holds 2,000 characters. */
const MAX_INLINE_CHARS = 1500;

export const presetShow = defineSubcommand({
  name: 'show',
  group: 'preset',
  describe: (b) =>
    b
      .setDescription("One of your presets' settings")
      .addStringOption((o) => o.setName('name').setDescription('The preset').setRequired(true).setAutocomplete(true)),
  response: 'defer-ephemeral',
  autocomplete: presetChoices,
  async execute(interaction, deps) {
    const preset = await deps.presets.get(interaction.user.id, interaction.options.getString('name', true).trim());
    const json = JSON.stringify(preset.settings, null, 2);
    const heading =
      `**${preset.name}** (version ${preset.version}, saved <t:${Math.floor(preset.updatedAt.getTime() / 1000)}:R>)` +
      (preset.description === '' ? '' : `\n${preset.description}`);
    if (json.length <= MAX_INLINE_CHARS) {
      await interaction.editReply(`${heading}\n\`\`\`json\n${json}\n\`\`\``);
      return;
    }
    await interaction.editReply({
      content: `${heading}\nThe settings are in the attached file.`,
      files: [new AttachmentBuilder(Buffer.from(json), { name: `${preset.name}.json` })],
    });
  },
});

/** `/deforum preset list`: the user's presets with their short descriptions, privately. */
import { defineSubcommand } from '../define.js';

/** Keeps the reply under Discord's 2,000 characters with room for the heading. */
const MAX_LIST_CHARS = 1800;

export const presetList = defineSubcommand({
  name: 'list',
  group: 'preset',
  describe: (b) => b.setDescription('Your saved presets'),
  response: 'defer-ephemeral',
  async execute(interaction, deps) {
    const presets = await deps.presets.list(interaction.user.id);
    if (presets.length === 0) {
      await interaction.editReply('You have no presets yet. Save one with /deforum preset save.');
      return;
    }
    const lines: string[] = [];
    let length = 0;
    for (const preset of presets) {
      const line = `**${preset.name}** (v${preset.version})${preset.description === '' ? '' : ` — ${preset.description}`}`;
      if (length + line.length > MAX_LIST_CHARS) {
        lines.push(`…and ${presets.length - lines.length} more.`);
        break;
      }
      lines.push(line);
      length += line.length + 1;
    }
    await interaction.editReply(`Your presets (use one with /deforum animate preset:<name>):\n${lines.join('\n')}`);
  },
});

/** Autocomplete of the user's own presets by name prefix (preset show and delete). */
import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import type { BotDeps } from '../../deps.js';

export async function presetChoices(
  interaction: AutocompleteInteraction,
  deps: BotDeps,
): Promise<ApplicationCommandOptionChoiceData<string>[]> {
  const presets = await deps.presets.list(interaction.user.id, interaction.options.getFocused().trim());
  return presets.map((preset) => ({
    name: preset.description === '' ? preset.name : `${preset.name} — ${preset.description}`.slice(0, 100),
    value: preset.name,
  }));
}

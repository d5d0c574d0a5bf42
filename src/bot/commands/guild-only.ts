/** The server an interaction came from, for leaves that only make sense inside one. */
import type { ChatInputCommandInteraction } from 'discord.js';
import { DeforumError } from '../../core/errors.js';

export function serverOf(interaction: ChatInputCommandInteraction): string {
  if (interaction.guildId === null) {
    throw new DeforumError(
      { code: 'usage', argument: 'server', reason: 'used outside a server' },
      'This command works inside a server only. Run it in a channel of the server it is about.',
    );
  }
  return interaction.guildId;
}

/**
 * The id in a required `user` option. Only the id is needed (bans are by id), and reading the raw value works
 * whether or not the payload carries the resolved user object that getUser needs.
 */
import type { ChatInputCommandInteraction } from 'discord.js';

export function userOption(interaction: ChatInputCommandInteraction): string {
  return String(interaction.options.get('user', true).value);
}

/**
 * The registry of slash commands (style.md B0: an explicit, typed list): the deploy command registers
 * toDeployJson(), dispatch finds leaves with findSubcommand, and the contract test iterates COMMANDS.
 */
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Subcommand } from './define.js';
import { buildDeforumCommand, DEFORUM_SUBCOMMANDS } from './deforum/command.js';

export interface SlashCommand {
  name: string;
  subcommands: readonly Subcommand[];
  toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody;
}

export const COMMANDS: readonly SlashCommand[] = [
  { name: 'deforum', subcommands: DEFORUM_SUBCOMMANDS, toJSON: () => buildDeforumCommand().toJSON() },
];

export function toDeployJson(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((command) => command.toJSON());
}

export function findSubcommand(command: string, group: string | null, name: string | null): Subcommand | undefined {
  return COMMANDS.find((c) => c.name === command)?.subcommands.find(
    (leaf) => leaf.name === name && (leaf.group ?? null) === group,
  );
}

/**
 * Registers the registry's commands with Discord (`deforum bot deploy-commands`): one bulk PUT replaces the
 * application's commands, globally or in one guild (guild commands update at once; use them while testing).
 * Discord limits how many commands an application may create per day, so this runs when definitions change,
 * never at every start.
 */
import { REST, Routes } from 'discord.js';
import type { BotConfig } from '../config.js';
import { toDeployJson } from './index.js';

export interface DeployTarget extends Pick<BotConfig, 'token' | 'applicationId' | 'apiUrl'> {
  guildId?: string;
}

/** Returns how many top-level commands were registered. */
export async function deployCommands(target: DeployTarget): Promise<number> {
  const rest = new REST(target.apiUrl === null ? {} : { api: target.apiUrl }).setToken(target.token);
  const body = toDeployJson();
  const route =
    target.guildId === undefined
      ? Routes.applicationCommands(target.applicationId)
      : Routes.applicationGuildCommands(target.applicationId, target.guildId);
  await rest.put(route, { body });
  return body.length;
}

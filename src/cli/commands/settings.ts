import type { Command } from 'commander';

export function registerSettingsCommand(program: Command): void {
  program.command('settings').description('(not built yet)');
}

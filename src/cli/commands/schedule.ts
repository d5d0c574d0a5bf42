import type { Command } from 'commander';

export function registerScheduleCommand(program: Command): void {
  program.command('schedule').description('(not built yet)');
}

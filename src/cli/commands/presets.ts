import type { Command } from 'commander';

export function registerPresetsCommand(program: Command): void {
  program.command('presets').description('(not built yet)');
}

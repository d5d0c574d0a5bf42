import type { Command } from 'commander';

export function registerRenderCommand(program: Command): void {
  program.command('render').description('(not built yet)');
}

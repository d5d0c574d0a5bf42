/**
 * `deforum bot`: runs the Discord bot until SIGTERM/SIGINT (src/bot/main.ts; configuration from the environment,
 * see src/bot/config.ts). `deforum bot deploy-commands [--guild ID] [--print]` registers the slash commands,
 * globally or in one server; `--print` only prints the JSON it would send and needs no token. The bot modules are
 * imported when a subcommand runs, so other commands do not load discord.js.
 */
import type { Command } from 'commander';
import { usageError } from '../cli-arguments.js';

export function registerBotCommand(program: Command): void {
  const bot = program
    .command('bot')
    .description('Run the Discord bot (DISCORD_TOKEN, DISCORD_APPLICATION_ID, DATABASE_URL, ...) until SIGTERM')
    .action(async () => {
      const { loadBotConfig } = await import('../../bot/config.js');
      const { startBot } = await import('../../bot/main.js');
      const running = await startBot(loadBotConfig(process.env));
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await running.stop();
    });
  bot
    .command('deploy-commands')
    .description('Register /deforum with Discord (run again whenever the commands change)')
    .option('--guild <id>', 'register in one server only (appears at once; for testing)', guildOption)
    .option('--print', 'print the command JSON instead of registering it (needs no token)')
    .action(async (options: { guild?: string; print?: boolean }) => {
      const { toDeployJson } = await import('../../bot/commands/index.js');
      if (options.print === true) {
        process.stdout.write(`${JSON.stringify(toDeployJson(), null, 2)}\n`);
        return;
      }
      const { loadBotConfig } = await import('../../bot/config.js');
      const { deployCommands } = await import('../../bot/commands/deploy.js');
      const config = loadBotConfig(process.env);
      const count = await deployCommands({ ...config, ...(options.guild !== undefined && { guildId: options.guild }) });
      process.stdout.write(
        options.guild === undefined
          ? `Registered ${count} command${count === 1 ? '' : 's'} globally; Discord may take up to an hour to show changes.\n`
          : `Registered ${count} command${count === 1 ? '' : 's'} in server ${options.guild}.\n`,
      );
    });
}

function guildOption(text: string): string {
  if (!/^\d{1,20}$/.test(text)) throw usageError('--guild', `'${text}' is not a server id (a number)`);
  return text;
}

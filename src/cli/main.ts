/**
 * The `deforum` command: parses arguments with commander and turns every failure into one line on stderr and a
 * non-zero exit code. A DeforumError is the user's to fix (exit 1); anything else is ours (exit 2).
 */
import { Command, CommanderError } from 'commander';
import { isDeforumError } from '../core/errors.js';
import { registerBotCommand } from './commands/bot.js';
import { registerJobsCommand } from './commands/jobs.js';
import { registerModelsCommand } from './commands/models.js';
import { registerPresetsCommand } from './commands/presets.js';
import { registerRenderCommand } from './commands/render.js';
import { registerScheduleCommand } from './commands/schedule.js';
import { registerSettingsCommand } from './commands/settings.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerWorkerCommand } from './commands/worker.js';

const program = new Command('deforum')
  .description('Render Deforum Stable Diffusion animations and work with Deforum settings files')
  .showHelpAfterError()
  .exitOverride();

registerSettingsCommand(program);
registerScheduleCommand(program);
registerPresetsCommand(program);
registerRenderCommand(program);
registerModelsCommand(program);
registerSubmitCommand(program);
registerJobsCommand(program);
registerWorkerCommand(program);
registerBotCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (isDeforumError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `internal error: ${message}\nThis is a bug in deforum; please report it with the command you ran.\n`,
  );
  return 2;
}

/** `deforum presets list` and `deforum presets show NAME`: the built-in looks and their full settings. */
import type { Command } from 'commander';
import { findPreset, listPresets, loadPreset } from '../../core/settings/presets.js';

export function registerPresetsCommand(program: Command): void {
  const presets = program.command('presets').description('List and show the built-in presets');

  presets
    .command('list')
    .description('List the built-in presets with their descriptions')
    .action(() => {
      const all = listPresets();
      const width = Math.max(...all.map((preset) => preset.name.length));
      process.stdout.write(all.map((preset) => `${preset.name.padEnd(width)}  ${preset.description}\n`).join(''));
    });

  presets
    .command('show')
    .description('Print a preset merged over the notebook defaults, as a preset file with every setting')
    .argument('<name>', 'preset name (see `deforum presets list`)')
    .action((name: string) => {
      const preset = findPreset(name);
      const merged = { name: preset.name, description: preset.description, settings: loadPreset(name) };
      process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
    });
}

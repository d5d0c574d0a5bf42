/**
 * `deforum settings check FILE` and `deforum settings convert FILE --to deforum|ours [--out PATH]`: the user's
 * way to validate a notebook, A1111 extension or preset file and to translate between them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DeforumError } from '../../core/errors.js';
import { checkSettings } from '../../core/settings/check-settings.js';
import { exportDeforumFile } from '../../core/settings/export-deforum-file.js';
import { exportPreset } from '../../core/settings/export-preset.js';
import { formatSettingsReport } from '../format-settings-report.js';
import { loadSettingsFile } from '../load-settings.js';
import { missingMediaWarnings } from '../missing-media-warnings.js';
import { readSettingsFile } from '../read-settings-file.js';

export function registerSettingsCommand(program: Command): void {
  const settings = program.command('settings').description('Check and convert Deforum settings files');

  settings
    .command('check')
    .description(
      'Validate a settings file (notebook *_settings.txt, A1111 extension file or preset) and report every problem',
    )
    .argument('<file>', 'settings file (JSON)')
    .action(async (file: string) => {
      const report = checkSettings(await readSettingsFile(file));
      if (report.settings !== undefined) report.warnings.push(...missingMediaWarnings(report.settings));
      process.stdout.write(formatSettingsReport(file, report));
      if (report.errors.length > 0) {
        throw new DeforumError(
          { code: 'settings_invalid', issues: report.errors },
          `${file} has ${report.errors.length} invalid setting${report.errors.length === 1 ? '' : 's'} (listed above)`,
        );
      }
    });

  settings
    .command('convert')
    .description('Convert a settings file to a notebook settings file (deforum) or to a preset (ours)')
    .argument('<file>', 'settings file (JSON)')
    .addOption(new Option('--to <format>', 'output format').choices(['deforum', 'ours']).makeOptionMandatory())
    .option('--out <path>', 'write here instead of standard output')
    .action(async (file: string, options: { to: 'deforum' | 'ours'; out?: string }) => {
      const report = await loadSettingsFile(file);
      const name = report.name ?? toPresetName(file);
      const text =
        options.to === 'deforum'
          ? exportDeforumFile(report.settings)
          : exportPreset(report.settings, {
              name,
              description: report.description ?? `Converted from ${path.basename(file)}`,
            });
      if (options.out === undefined) process.stdout.write(text);
      else await writeFile(options.out, text, 'utf8');
    });
}

/** A kebab-case preset name from a file name ("20230812_settings.txt" → "20230812-settings"). */
function toPresetName(file: string): string {
  const base = path
    .basename(file)
    .replace(/\.[^.]*$/, '')
    .toLowerCase();
  const name = base.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return name === '' ? 'converted' : name;
}

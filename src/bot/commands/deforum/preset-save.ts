/**
 * `/deforum preset save name: description: (from_job: | settings: | overrides:) replace:`: saves settings under
 * a name from exactly one source: a job of the user's, a settings file (notebook, A1111 or ours), or override
 * text `key = value; key = value`. Parsing is the request module's, so a preset accepts what the animate modal's
 * Overrides field accepts, and also the settings the modal has fields of its own for (max_frames, seed, prompts):
 * a preset is settings, and may set its length. The store validates the result and refuses a taken name unless
 * `replace` is true.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { DeforumError } from '../../../core/errors.js';
import type { BotDeps } from '../../deps.js';
import { formatProblems, importSettingsAttachment, parseOverrideLines } from '../../request/index.js';
import type { RequestProblem } from '../../request/index.js';
import { downloadAttachment } from '../../services/attachments.js';
import { defineSubcommand } from '../define.js';
import { jobChoices } from './job-choices.js';

const SOURCES = ['from_job', 'settings', 'overrides'] as const;

export const presetSave = defineSubcommand({
  name: 'save',
  group: 'preset',
  describe: (b) =>
    b
      .setDescription('Save settings as a preset: from a job, a settings file or overrides')
      .addStringOption((o) =>
        o.setName('name').setDescription('1–32 of a-z 0-9 - _').setRequired(true).setMaxLength(32),
      )
      .addStringOption((o) => o.setName('description').setDescription('A short description').setMaxLength(100))
      .addStringOption((o) =>
        o.setName('from_job').setDescription('Copy the settings of one of your jobs').setAutocomplete(true),
      )
      .addAttachmentOption((o) => o.setName('settings').setDescription('A Deforum settings file (.txt or .json)'))
      .addStringOption((o) =>
        o.setName('overrides').setDescription('Settings as key = value; key = value').setMaxLength(4000),
      )
      .addBooleanOption((o) => o.setName('replace').setDescription('Replace your preset of the same name')),
  response: 'defer-ephemeral',
  async autocomplete(interaction, deps) {
    const jobs = await deps.jobs.listJobs({ userId: interaction.user.id, idPrefix: interaction.options.getFocused() });
    return jobChoices(jobs);
  },
  async execute(interaction, deps) {
    const { settings, warnings } = await readSource(interaction, deps);
    const saved = await deps.presets.save(
      interaction.user.id,
      {
        name: interaction.options.getString('name', true).trim(),
        description: interaction.options.getString('description')?.trim() ?? '',
        settings,
      },
      { replace: interaction.options.getBoolean('replace') ?? false },
    );
    const notes = warnings.map((warning) => `\n• ${warning}`).join('');
    await interaction.editReply(
      `Saved preset **${saved.name}** (version ${saved.version}). Use it with /deforum animate preset:${saved.name}.` +
        (notes === '' ? '' : `\nThe settings file had parts that were not imported:${notes}`).slice(0, 1500),
    );
  },
});

async function readSource(
  interaction: ChatInputCommandInteraction,
  deps: BotDeps,
): Promise<{ settings: Readonly<Record<string, unknown>>; warnings: string[] }> {
  const given = SOURCES.filter((source) => interaction.options.get(source) !== null);
  if (given.length !== 1) {
    throw new DeforumError(
      { code: 'usage', argument: SOURCES.join(', '), reason: `${given.length} given` },
      `Give exactly one of from_job, settings or overrides${given.length === 0 ? '' : ` (you gave ${given.join(' and ')})`}.`,
    );
  }
  const jobId = interaction.options.getString('from_job');
  if (jobId !== null) {
    const job = await deps.jobs.getJob(jobId.trim());
    if (job.userId !== interaction.user.id) {
      throw new DeforumError(
        { code: 'job_not_owner', jobId: job.id, userId: interaction.user.id },
        `Job ${job.id} belongs to someone else; save a preset from one of your own jobs.`,
      );
    }
    return { settings: job.settings, warnings: [] };
  }
  const file = interaction.options.getAttachment('settings');
  if (file !== null) {
    const ref = { url: file.url, name: file.name, size: file.size, contentType: file.contentType };
    const downloaded = await downloadAttachment('settings', ref, { extraOrigins: deps.config.cdnOrigins });
    const imported = importSettingsAttachment(downloaded.bytes.toString('utf8'), file.name);
    if (!imported.ok) throw problemsError(imported.problems);
    return { settings: imported.settings, warnings: imported.warnings };
  }
  const parsed = parseOverrideLines(interaction.options.getString('overrides', true).split(';').join('\n'));
  if (!parsed.ok) throw problemsError(parsed.problems);
  return { settings: parsed.values, warnings: [] };
}

function problemsError(problems: readonly RequestProblem[]): DeforumError {
  return new DeforumError(
    { code: 'usage', argument: problems.map((p) => p.field).join(', '), reason: 'invalid preset settings' },
    formatProblems(problems),
  );
}

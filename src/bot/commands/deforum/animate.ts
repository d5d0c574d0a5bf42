/**
 * /deforum animate: the options a modal cannot hold (preset, model, files), then the modal for the text. A modal
 * must be the first response, so everything before it is fast and local: the files' type and size (a wrong one
 * is answered privately instead of the modal, saying which file and what is allowed), the preset and model
 * names, and a draft row with the options for the submit (src/bot/interactions/animate-modal.ts) to find.
 */
import type { ApplicationCommandOptionChoiceData, ChatInputCommandInteraction } from 'discord.js';
import { DeforumError } from '../../../core/errors.js';
import { listPresets } from '../../../core/settings/presets.js';
import type { DraftAttachment } from '../../../jobs/draft-store.js';
import { animateModal } from '../../interactions/animate-modal-view.js';
import { fieldsFromJob, formatProblems, type RequestProblem } from '../../request/index.js';
import { checkAttachment, type UploadKind } from '../../services/attachments.js';
import { findAnyPreset } from '../../services/animate-base.js';
import { defineSubcommand } from '../define.js';
import { serverOf } from '../guild-only.js';

/** Option name → the attachment kind it carries. */
const FILE_OPTIONS = [
  ['init_image', 'init', 'An init image (PNG, JPEG or WebP) the animation starts from'],
  ['mask', 'mask', 'A mask image (PNG, JPEG or WebP): white is rendered, black kept'],
  ['video', 'video', 'A video (MP4, WebM or MOV) for Video Input mode'],
  ['settings', 'settings', 'A settings file (notebook .txt, A1111 .json or ours) instead of a preset'],
] as const satisfies readonly (readonly [string, UploadKind, string])[];

export const animate = defineSubcommand({
  name: 'animate',
  describe: (b) => {
    b.setDescription('Make a Deforum animation: choose a preset and files, then type prompts in a form')
      .addStringOption((o) =>
        o.setName('preset').setDescription('Settings to start from (yours or built-in)').setAutocomplete(true),
      )
      .addStringOption((o) => o.setName('model').setDescription('The model to render with').setAutocomplete(true));
    for (const [name, , description] of FILE_OPTIONS)
      b.addAttachmentOption((o) => o.setName(name).setDescription(description));
    return b;
  },
  response: 'modal',
  renders: true,
  async autocomplete(interaction, deps) {
    const focused = interaction.options.getFocused(true);
    const typed = focused.value.toLowerCase();
    if (focused.name === 'model') {
      return deps.config.models.filter((m) => m.toLowerCase().includes(typed)).map((m) => ({ name: m, value: m }));
    }
    const own = await deps.presets.list(interaction.user.id);
    const choices: ApplicationCommandOptionChoiceData<string>[] = own
      .filter((p) => p.name.includes(typed))
      .map((p) => ({ name: `${p.name} (yours, v${p.version})${describe(p.description)}`, value: p.name }));
    for (const p of listPresets()) {
      if (p.name.includes(typed) && !own.some((o) => o.name === p.name)) {
        choices.push({ name: `${p.name}${describe(p.description)}`, value: p.name });
      }
    }
    return choices.slice(0, 25);
  },
  async execute(interaction, deps) {
    const serverId = serverOf(interaction);
    const { attachments, settingsFile, problems } = readFiles(interaction);
    if (problems.length > 0)
      throw new DeforumError({ code: 'usage', argument: 'attachments', reason: 'rejected' }, formatProblems(problems));
    const presetName = interaction.options.getString('preset');
    const model = interaction.options.getString('model') ?? undefined;
    if (model !== undefined && !deps.config.models.includes(model)) {
      throw new DeforumError(
        { code: 'model_unknown', name: model, known: [...deps.config.models] },
        `There is no model "${model}" in this fleet. Pick one of: ${deps.config.models.join(', ')}.`,
      );
    }
    const preset = presetName === null ? null : await findAnyPreset(interaction.user.id, presetName, deps);
    const draftId = await deps.drafts.create(interaction.user.id, {
      serverId,
      channelId: interaction.channelId,
      attachments,
      ...(preset !== null && { preset: preset.name }),
      ...(preset?.version != null && { presetVersion: preset.version }),
      ...(model !== undefined && { model }),
      ...(settingsFile !== undefined && { settingsFile }),
    });
    // A settings file replaces the preset, so its prompts are not offered; the preset's are, to edit in place.
    const prompts =
      preset === null || settingsFile !== undefined
        ? undefined
        : fieldsFromJob({ settings: preset.settings, request: null }).prompts;
    const title = preset === null ? 'Deforum animation' : `Deforum: ${preset.name}`;
    await interaction.showModal(animateModal(draftId, title, prompts === undefined ? {} : { prompts }));
  },
});

function readFiles(interaction: ChatInputCommandInteraction): {
  attachments: DraftAttachment[];
  settingsFile: DraftAttachment | undefined;
  problems: RequestProblem[];
} {
  const attachments: DraftAttachment[] = [];
  const problems: RequestProblem[] = [];
  let settingsFile: DraftAttachment | undefined;
  for (const [option, kind] of FILE_OPTIONS) {
    const file = interaction.options.getAttachment(option);
    if (file === null) continue;
    const ref = { url: file.url, name: file.name, size: file.size, contentType: file.contentType };
    const problem = checkAttachment(kind, ref);
    if (problem !== null) problems.push(problem);
    else if (kind === 'settings') settingsFile = { kind, ...ref };
    else attachments.push({ kind, ...ref });
  }
  return { attachments, settingsFile, problems };
}

function describe(description: string): string {
  return description === '' ? '' : `: ${description}`;
}

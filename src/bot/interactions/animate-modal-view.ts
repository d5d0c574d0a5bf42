/**
 * How the animate modal and its "Edit and resubmit" answer look: the five text inputs of custom-id.ts with their
 * syntax shown as placeholders, filled with whatever the caller has (a preset's prompts, what was typed before,
 * a job's prompts and overrides). Discord's limits are kept here: a title of at most 45 characters, labels of 45,
 * placeholders and descriptions of 100, values of 4,000 (a longer value is left out rather than cut, since a cut
 * prompt schedule would render something the user never wrote).
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { AnimateFields, RequestProblem } from '../request/index.js';
import { formatProblems } from '../request/index.js';
import { encodeCustomId } from './custom-id.js';

const MAX_TITLE = 45;
const MAX_VALUE = 4000;

interface FieldView {
  id: keyof AnimateFields;
  label: string;
  description: string;
  placeholder: string;
  style: TextInputStyle;
  maxLength: number;
}

const FIELD_VIEWS: readonly FieldView[] = [
  {
    id: 'prompts',
    label: 'Prompts (one per line)',
    description: 'frame: prompt | negative for that frame. Blank: the preset’s prompts.',
    placeholder: '0: a red fox in the snow | blurry\n48: a fox in an autumn forest',
    style: TextInputStyle.Paragraph,
    maxLength: MAX_VALUE,
  },
  {
    id: 'negative',
    label: 'Negative prompt (all frames)',
    description: 'Added to every frame’s negative prompt.',
    placeholder: 'blurry, low quality, text, watermark',
    style: TextInputStyle.Paragraph,
    maxLength: MAX_VALUE,
  },
  {
    id: 'overrides',
    label: 'Overrides (key = value, one per line)',
    description: 'Any Deforum setting; schedules allowed. Files go in the command’s options.',
    placeholder: 'zoom = 0:(1.02), 60:(1.05)\nstrength_schedule = 0:(0.65)\nW = 512',
    style: TextInputStyle.Paragraph,
    maxLength: MAX_VALUE,
  },
  {
    id: 'max_frames',
    label: 'Max frames',
    description: 'How many frames to render. Blank: the preset’s.',
    placeholder: '120',
    style: TextInputStyle.Short,
    maxLength: 6,
  },
  {
    id: 'seed',
    label: 'Seed',
    description: 'A whole number to repeat a render; blank or -1 for a random one.',
    placeholder: '-1',
    style: TextInputStyle.Short,
    maxLength: 11,
  },
];

export function animateModal(draftId: string, title: string, fields: Partial<AnimateFields> = {}): ModalBuilder {
  const modal = new ModalBuilder()
    .setCustomId(encodeCustomId({ kind: 'animate', draftId }))
    .setTitle(title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title);
  for (const view of FIELD_VIEWS) {
    const input = new TextInputBuilder()
      .setCustomId(view.id)
      .setStyle(view.style)
      .setRequired(false)
      .setMaxLength(view.maxLength)
      .setPlaceholder(view.placeholder);
    const value = fields[view.id];
    if (value !== undefined && value !== '' && value.length <= view.maxLength) input.setValue(value);
    modal.addLabelComponents(
      new LabelBuilder().setLabel(view.label).setDescription(view.description).setTextInputComponent(input),
    );
  }
  return modal;
}

/** Every problem at once, and the button that reopens the modal with what was typed (nothing typed is lost). */
export function problemsReply(
  draftId: string,
  problems: readonly RequestProblem[],
): { content: string; components: ActionRowBuilder<ButtonBuilder>[] } {
  const reopen = new ButtonBuilder()
    .setCustomId(encodeCustomId({ kind: 'reopen', draftId }))
    .setLabel('Edit and resubmit')
    .setEmoji('✏️')
    .setStyle(ButtonStyle.Primary);
  return {
    content: formatProblems(problems),
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(reopen)],
  };
}

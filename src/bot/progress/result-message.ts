/**
 * The words and buttons of the message that delivers a finished video: a short summary (preset, seed, frames,
 * render time) so the channel can see what made it, the next actions as buttons (discord-ux.md: Re-render, New
 * seed, Tweak), and the texts for a video that cannot be posted. Pure; deliver-result.ts does the posting.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { JobRecord } from '../../jobs/job-record.js';
import { encodeCustomId } from '../interactions/custom-id.js';

export const SETTINGS_FILE_NAME = 'settings.json';

export function resultSummary(job: JobRecord, notes: readonly string[]): string {
  const preset = job.request?.['preset'];
  const seed = job.settings['seed'];
  const facts = [
    typeof preset === 'string' && preset !== '' ? `preset \`${preset}\`` : null,
    typeof seed === 'number' ? `seed ${seed}` : null,
    `${job.maxFrames} frames`,
    renderTime(job),
  ].filter((fact): fact is string => fact !== null);
  const lines = [
    `<@${job.userId}> your animation is ready: ${facts.join(' · ')}.`,
    `\`${SETTINGS_FILE_NAME}\` holds every setting, so anyone can render it again.`,
    ...notes,
  ];
  return lines.join('\n');
}

export function resultButtons(jobId: string): APIActionRowComponent<APIButtonComponent>[] {
  const button = (kind: 'rerender' | 'newseed' | 'tweak', label: string, emoji: string): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: encodeCustomId({ kind, jobId }),
    label,
    emoji: { name: emoji },
  });
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        button('rerender', 'Re-render', '🔁'),
        button('newseed', 'New seed', '🎲'),
        button('tweak', 'Tweak', '✏️'),
      ],
    },
  ];
}

export function withheldText(job: JobRecord): string {
  return (
    `<@${job.userId}> the safety checker flagged frames of this render, so the video is only posted in ` +
    'age-restricted channels. The render is kept: press Re-render in an age-restricted channel, or Tweak the ' +
    'prompts and render again here.'
  );
}

export function tooLargeText(job: JobRecord, smallestBytes: number): string {
  return (
    `<@${job.userId}> the video is too large for this channel even re-encoded to ${formatBytes(smallestBytes)}. ` +
    'The render is kept: press Tweak to render it with fewer frames, a smaller size or a lower fps, or ' +
    'Re-render it in a channel with a higher upload limit.'
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function renderTime(job: JobRecord): string | null {
  if (job.startedAt === null || job.finishedAt === null) return null;
  const seconds = Math.max(0, Math.round((job.finishedAt.getTime() - job.startedAt.getTime()) / 1000));
  const minutes = Math.floor(seconds / 60);
  return `rendered in ${minutes > 0 ? `${minutes} min ` : ''}${seconds % 60} s`;
}

/**
 * The job card: one channel message per job that the bot edits as the render goes (discord-ux.md "one evolving
 * job card"): state, frame n/N with a text bar, seconds per frame, an ETA as `<t:unix:R>` (Discord renders it as
 * a live relative time, so the ETA stays current between edits), the cadence-aware count of diffused frames, the
 * latest frame as `attachment://frame.jpg`, and the Cancel or Resume button. Pure: the tracker supplies the
 * numbers and decides whether the preview file is attached.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord.js';
import type { JobRecord } from '../../jobs/job-record.js';
import { encodeCustomId } from '../interactions/custom-id.js';

export const PREVIEW_FILE_NAME = 'frame.jpg';

export interface JobCardInput {
  job: JobRecord;
  /** Queued jobs ahead of this one; null when not queued or unknown. */
  position: number | null;
  secondsPerFrame: number | null;
  now: Date;
  /** The card shows `attachment://frame.jpg` (the message carries that file). */
  hasPreview: boolean;
  /** A link to the message with the finished video, once delivered. */
  resultUrl?: string;
}

export interface JobCardPayload {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

const BAR_SEGMENTS = 10;
const COLOURS = { queued: 0x99aab5, running: 0x5865f2, succeeded: 0x57f287, failed: 0xed4245, cancelled: 0x4f545c };
/** Discord's limit for an embed description is 4096; reasons longer than this are cut (the settings file keeps all). */
const REASON_CHARS = 900;

export function renderJobCard(input: JobCardInput): JobCardPayload {
  const { job } = input;
  const lines = [stateLine(input), ...progressLines(input)];
  const embed: APIEmbed = {
    title: `Deforum job ${job.id.slice(0, 8)}`,
    description: lines.join('\n'),
    color: COLOURS[job.state.status],
    footer: { text: `Job ${job.id}` },
    ...(input.hasPreview && { image: { url: `attachment://${PREVIEW_FILE_NAME}` } }),
  };
  return { embeds: [embed], components: buttons(job) };
}

/** `▰▰▰▰▱▱▱▱▱▱ 42%` */
export function progressBar(done: number, total: number): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.floor(fraction * BAR_SEGMENTS);
  return `${'▰'.repeat(filled)}${'▱'.repeat(BAR_SEGMENTS - filled)} ${Math.floor(fraction * 100)}%`;
}

function stateLine(input: JobCardInput): string {
  const { state } = input.job;
  switch (state.status) {
    case 'queued':
      if (state.attempts > 0 && state.runAfter > input.now) return `⏳ Waiting to retry ${timestamp(state.runAfter)}`;
      return input.position === null ? '⏳ Queued' : `⏳ Queued: ${ordinal(input.position + 1)} in line`;
    case 'running':
      return '🎬 Rendering';
    case 'succeeded':
      return input.resultUrl === undefined ? '✅ Done: posting the video…' : `✅ Done: ${input.resultUrl}`;
    case 'failed':
      return `❌ Failed: ${state.error.message.slice(0, REASON_CHARS)}\nPress Resume to continue from the last frame.`;
    case 'cancelled':
      return '⏹ Cancelled. Press Resume to continue from the last frame.';
  }
}

function progressLines(input: JobCardInput): string[] {
  const { job } = input;
  const total = job.maxFrames;
  const done = Math.min(job.framesDone, total);
  const lines = [`Frame ${done}/${total}  ${progressBar(done, total)}`];
  const cadence = diffusionCadence(job.settings);
  if (cadence > 1) {
    lines.push(`Diffused ${Math.ceil(done / cadence)}/${Math.ceil(total / cadence)} (cadence ${cadence})`);
  }
  if (job.state.status === 'running' && input.secondsPerFrame !== null) {
    const etaMs = input.now.getTime() + (total - done) * input.secondsPerFrame * 1000;
    lines.push(`${input.secondsPerFrame.toFixed(1)} s/frame · done ${timestamp(new Date(etaMs))}`);
  }
  return lines;
}

/**
 * Deforum diffuses every `diffusion_cadence`-th frame and warps the ones between (spec: cadence); Video Input
 * and Interpolation ignore the cadence (turbo_steps = 1), so every frame is diffused there.
 */
function diffusionCadence(settings: Readonly<Record<string, unknown>>): number {
  const mode = settings['animation_mode'];
  const cadence = settings['diffusion_cadence'];
  if (mode !== '2D' && mode !== '3D') return 1;
  return typeof cadence === 'number' && Number.isInteger(cadence) && cadence > 1 ? cadence : 1;
}

/** The card's one button: Cancel while the job can still stop, Resume once it stopped short of the end. */
const CARD_BUTTONS = {
  cancel: { label: 'Cancel', emoji: '⏹', style: ButtonStyle.Danger },
  resume: { label: 'Resume', emoji: '▶', style: ButtonStyle.Primary },
} as const;

function buttons(job: JobRecord): APIActionRowComponent<APIButtonComponent>[] {
  const { status } = job.state;
  const kind =
    status === 'queued' || status === 'running'
      ? 'cancel'
      : status === 'failed' || status === 'cancelled'
        ? 'resume'
        : null;
  if (kind === null) return [];
  const { emoji, ...button } = CARD_BUTTONS[kind];
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          custom_id: encodeCustomId({ kind, jobId: job.id }),
          ...button,
          emoji: { name: emoji },
        },
      ],
    },
  ];
}

function timestamp(at: Date): string {
  return `<t:${Math.round(at.getTime() / 1000)}:R>`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * The buttons on the bot's messages: Cancel and Resume on a job card, Re-render, New seed and Tweak on a finished
 * video, and "Edit and resubmit" under a rejected request. A button carries who pressed it, so each answers that
 * person privately, and a re-render is theirs (their quota), whoever made the original.
 */
import { PermissionFlagsBits, type ButtonInteraction } from 'discord.js';
import type { JobRecord } from '../../jobs/job-record.js';
import { resumeJob } from '../commands/deforum/resume.js';
import type { BotDeps } from '../deps.js';
import { fieldsFromJob, formatProblems } from '../request/index.js';
import { rerenderJob } from '../services/rerender.js';
import { sendableChannel } from '../services/submit-job.js';
import { animateModal } from './animate-modal-view.js';
import { defineComponentHandler } from './define.js';

export const cancelButton = defineComponentHandler({
  kind: 'cancel',
  response: 'defer-ephemeral',
  renders: false,
  async handle(interaction, { jobId }, deps) {
    const job = await deps.jobs.getJob(jobId);
    const isOwner = job.userId === interaction.user.id;
    const isAdmin =
      job.serverId !== null &&
      job.serverId === interaction.guildId &&
      (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false);
    if (!isOwner && !isAdmin) {
      await interaction.editReply(
        `Only its owner, <@${job.userId}>, or a member with Manage Server can cancel this job. ` +
          'Press Re-render on a finished video to make your own.',
      );
      return;
    }
    const cancelled = await deps.jobs.cancel(job.id, isOwner ? { userId: interaction.user.id } : null);
    deps.progress.track(cancelled.id);
    await interaction.editReply(
      `Cancelled job \`${job.id.slice(0, 8)}\` at frame ${cancelled.framesDone}/${cancelled.maxFrames}. ` +
        'Press Resume on its card to continue it later.',
    );
  },
});

export const rerenderButton = defineComponentHandler({
  kind: 'rerender',
  response: 'defer-ephemeral',
  renders: true,
  handle: (interaction, { jobId }, deps) => rerenderFromButton(interaction, jobId, 'same', deps),
});

export const newSeedButton = defineComponentHandler({
  kind: 'newseed',
  response: 'defer-ephemeral',
  renders: true,
  handle: (interaction, { jobId }, deps) => rerenderFromButton(interaction, jobId, 'new', deps),
});

export const tweakButton = defineComponentHandler({
  kind: 'tweak',
  response: 'modal',
  renders: true,
  async handle(interaction, { jobId }, deps) {
    const job = await deps.jobs.getJob(jobId);
    const preset = job.request?.['preset'];
    const presetVersion = job.request?.['presetVersion'];
    const draftId = await deps.drafts.create(interaction.user.id, {
      serverId: interaction.guildId,
      channelId: interaction.channelId,
      attachments: [],
      model: job.model,
      fromJob: job.id,
      ...(typeof preset === 'string' && { preset }),
      ...(typeof presetVersion === 'number' && { presetVersion }),
    });
    await interaction.showModal(animateModal(draftId, `Tweak job ${job.id.slice(0, 8)}`, fieldsFromJob(job)));
  },
});

export const resumeButton = defineComponentHandler({
  kind: 'resume',
  response: 'defer-ephemeral',
  renders: true,
  async handle(interaction, { jobId }, deps) {
    const job = await resumeJob(interaction, jobId, deps);
    await interaction.editReply(`Resumed at frame ${job.framesDone}/${job.maxFrames}; the card above follows it.`);
  },
});

export const reopenButton = defineComponentHandler({
  kind: 'reopen',
  response: 'modal',
  renders: false,
  async handle(interaction, { draftId }, deps) {
    const draft = await deps.drafts.get(draftId, interaction.user.id);
    const title = draft.preset === undefined ? 'Deforum animation' : `Deforum: ${draft.preset}`;
    await interaction.showModal(animateModal(draftId, title, draft.fields));
  },
});

async function rerenderFromButton(
  interaction: ButtonInteraction,
  jobId: string,
  seed: 'same' | 'new',
  deps: BotDeps,
): Promise<void> {
  const job: JobRecord = await deps.jobs.getJob(jobId);
  const outcome = await rerenderJob(
    job,
    {
      by: interaction.user.id,
      seed,
      latestPreset: false,
      channel: await sendableChannel(interaction.client, interaction.channelId),
      uploadLimitBytes: interaction.attachmentSizeLimit,
    },
    deps,
  );
  await interaction.editReply(
    outcome.ok
      ? `Queued ${seed === 'new' ? 'with a new seed' : 'again with the same seed'}: ${outcome.card.url}`
      : `${formatProblems(outcome.problems)}\nPress Tweak to change the request.`,
  );
}

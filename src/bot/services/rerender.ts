/**
 * A finished job rendered again for someone (the Re-render and New seed buttons, 🔁 and ♻️ reactions): the same
 * settings and files, the same seed or a fresh one, and, for ♻️, the latest version of the user preset the job
 * came from, with what was typed in the modal applied over it again. The new job is the requester's: their quota,
 * the server's caps and their bans apply, whoever made the original.
 */
import type { SendableChannels } from 'discord.js';
import { DeforumError } from '../../core/errors.js';
import { parseSettingsOrThrow } from '../../core/settings/parse-settings.js';
import type { DeforumSettings } from '../../core/settings/schema.js';
import type { JobRecord } from '../../jobs/job-record.js';
import { newJobId, type AttachmentInput } from '../../jobs/job-store.js';
import { jobFileKey, type Storage } from '../../storage/storage.js';
import type { BotDeps } from '../deps.js';
import { buildAnimateSettings, formatProblems, storedAnimateFields } from '../request/index.js';
import { findAnyPreset } from './animate-base.js';
import { submitJob, withConcreteSeed, type SubmitOutcome } from './submit-job.js';

export interface RerenderOptions {
  /** Who asked: the new job is theirs. */
  by: string;
  seed: 'same' | 'new';
  /** ♻️: rebuild from the newest version of the job's user preset when it was saved again since. */
  latestPreset: boolean;
  channel: SendableChannels;
  /** The upload limit where the result goes; the original job's when the request carries none (a reaction). */
  uploadLimitBytes?: number;
}

export async function rerenderJob(job: JobRecord, options: RerenderOptions, deps: BotDeps): Promise<SubmitOutcome> {
  if (await deps.moderation.isBanned(job.serverId, options.by)) {
    throw new DeforumError(
      { code: 'user_banned', serverId: job.serverId ?? '', userId: options.by },
      "You are banned from rendering in this server. Ask the server's admins if you think this is a mistake.",
    );
  }
  const request = job.request ?? {};
  const latest = options.latestPreset ? await latestPresetSettings(job, deps) : null;
  const settings = latest?.settings ?? parseSettingsOrThrow(job.settings, `the settings of job ${job.id}`);
  const seeded = options.seed === 'new' ? withConcreteSeed({ ...settings, seed: -1 }) : settings;
  const id = newJobId();
  const fields = storedAnimateFields(job.request);
  const uploadLimitBytes = options.uploadLimitBytes ?? job.uploadLimitBytes ?? undefined;
  return submitJob(
    {
      id,
      userId: options.by,
      serverId: job.serverId,
      settings: seeded,
      model: job.model,
      preview: job.preview,
      attachments: await copyJobAttachments(job.id, id, deps),
      request: {
        ...request,
        ...(fields !== undefined && { fields: { ...fields, seed: String(seeded.seed) } }),
        ...(latest !== null && { presetVersion: latest.version }),
        rerenderOf: job.id,
      },
      ...(uploadLimitBytes !== undefined && { uploadLimitBytes }),
    },
    options.channel,
    deps,
  );
}

/** Copies a job's stored files under another job's id, so deleting one job never takes another's files. */
export async function copyJobAttachments(
  fromJobId: string,
  toJobId: string,
  deps: { jobs: Pick<BotDeps['jobs'], 'listAttachments'>; storage: Storage },
): Promise<AttachmentInput[]> {
  const attachments = await deps.jobs.listAttachments(fromJobId);
  return Promise.all(
    attachments.map(async (attachment) => {
      const extension = attachment.storageKey.slice(attachment.storageKey.lastIndexOf('.') + 1);
      const storageKey = jobFileKey(toJobId, attachment.kind, extension);
      await deps.storage.put(storageKey, await deps.storage.get(attachment.storageKey));
      return { ...attachment, storageKey };
    }),
  );
}

/**
 * The job's settings rebuilt over the newest version of its user preset, keeping its seed; null when the job
 * came from no user preset or the preset was not saved again since.
 */
async function latestPresetSettings(
  job: JobRecord,
  deps: BotDeps,
): Promise<{ settings: DeforumSettings; version: number } | null> {
  const request = job.request ?? {};
  const name = request['preset'];
  const version = request['presetVersion'];
  const fields = storedAnimateFields(job.request);
  const serverId = job.serverId;
  if (typeof name !== 'string' || typeof version !== 'number' || fields === undefined || serverId === null) return null;
  const preset = await findAnyPreset(job.userId, name, deps);
  if (preset.version === null || preset.version <= version) return null;
  const attachments = await deps.jobs.listAttachments(job.id);
  const has = (kind: string): boolean => attachments.some((a) => a.kind === kind);
  const built = buildAnimateSettings({
    base: preset.settings,
    fields: { ...fields, seed: String(job.settings['seed']) },
    limits: await deps.servers.getLimits(serverId),
    blockedTerms: await deps.moderation.listBlockedTerms(serverId),
    attachments: { init: has('init'), mask: has('mask'), video: has('video') },
  });
  if (!built.ok) {
    throw new DeforumError(
      { code: 'settings_invalid', issues: built.problems.map((p) => ({ setting: p.field, message: p.message })) },
      `The newest version of preset ${name} no longer works with this job's prompts and overrides.\n` +
        `${formatProblems(built.problems)}\nUse 🔁 or Tweak instead.`,
    );
  }
  return { settings: built.settings, version: preset.version };
}

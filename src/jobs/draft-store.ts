/**
 * The `bot_drafts` table: /deforum animate between its steps. The command stores its options (preset, model,
 * attachments) before it shows the modal; a rejected submit stores what was typed, so the reopened modal is filled
 * in and nothing is lost. A draft belongs to the user who started it: anyone else asking for it gets "not found",
 * the same answer as for a draft that was swept.
 */
import { z } from 'zod';
import { DeforumError } from '../core/errors.js';
import type { JobDatabase } from './database.js';
import type { Prisma } from './generated/prisma/client.js';
import { ATTACHMENT_KINDS } from './job-store.js';

/** A Discord attachment as the command received it; downloaded into the job's storage only at submit. */
const draftAttachmentSchema = z.object({
  kind: z.enum(ATTACHMENT_KINDS),
  url: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  /** Discord leaves it out when it cannot tell. */
  contentType: z.string().nullable(),
});

/** The five text inputs of the animate modal, exactly as typed. */
const draftFieldsSchema = z.object({
  prompts: z.string(),
  negative: z.string(),
  overrides: z.string(),
  max_frames: z.string(),
  seed: z.string(),
});

const draftDataSchema = z.object({
  serverId: z.string().nullable(),
  channelId: z.string(),
  preset: z.string().optional(),
  /** The user preset's version when the draft was made (built-in presets have none). */
  presetVersion: z.number().int().optional(),
  model: z.string().optional(),
  attachments: z.array(draftAttachmentSchema),
  /** A settings file (notebook, A1111 or ours) whose settings replace the preset's. */
  settingsFile: draftAttachmentSchema.optional(),
  fields: draftFieldsSchema.optional(),
  /** The job a Tweak started from. */
  fromJob: z.string().optional(),
});

export type DraftAttachment = z.infer<typeof draftAttachmentSchema>;
export type DraftFields = z.infer<typeof draftFieldsSchema>;
export type DraftData = z.infer<typeof draftDataSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class DraftStore {
  constructor(private readonly db: JobDatabase) {}

  async create(userId: string, data: DraftData): Promise<string> {
    const row = await this.db.botDraft.create({ data: { userId, data: toJson(data) }, select: { id: true } });
    return row.id;
  }

  async get(id: string, userId: string): Promise<DraftData> {
    const row = UUID.test(id) ? await this.db.botDraft.findUnique({ where: { id } }) : null;
    if (row === null || row.userId !== userId) throw draftNotFound();
    const parsed = draftDataSchema.safeParse(row.data);
    // Only this module writes drafts; a row it cannot read is from an older bot, and starting over is the fix.
    if (!parsed.success) throw draftNotFound();
    return parsed.data;
  }

  async update(id: string, userId: string, data: DraftData): Promise<void> {
    const updated = UUID.test(id)
      ? await this.db.botDraft.updateMany({ where: { id, userId }, data: { data: toJson(data) } })
      : { count: 0 };
    if (updated.count === 0) throw draftNotFound();
  }

  /** Deletes drafts made before `olderThan`; returns how many. */
  async sweep(olderThan: Date): Promise<number> {
    const deleted = await this.db.botDraft.deleteMany({ where: { createdAt: { lt: olderThan } } });
    return deleted.count;
  }
}

/** Prisma's JSON input type rejects `undefined` members, which optional fields may hold. */
function toJson(data: DraftData): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(draftDataSchema.parse(data))) as Prisma.InputJsonObject;
}

function draftNotFound(): DeforumError {
  return new DeforumError(
    { code: 'usage', argument: 'draft', reason: 'expired or not yours' },
    'This form has expired (or was started by someone else). Run /deforum animate again to start a new one.',
  );
}

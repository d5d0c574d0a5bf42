/**
 * What a server's admins and a user's own privacy requests change: bans (`server_bans`), the prompt blocklist
 * (`servers.blocked_terms`), and deleting everything a user made. Blocklist terms are kept trimmed and
 * lower-case so prompt checks compare lower-cased text; the caps keep a server row and each check small.
 */
import { DeforumError } from '../core/errors.js';
import { TRANSACTION_OPTIONS, type JobDatabase } from './database.js';
import type { QuotaLimits } from './store-config.js';

export const MAX_BLOCKED_TERMS = 100;
export const MAX_BLOCKED_TERM_CHARS = 60;

export interface ServerBanRecord {
  userId: string;
  bannedBy: string;
  reason: string;
  createdAt: Date;
}

export class ModerationStore {
  constructor(
    private readonly db: JobDatabase,
    private readonly serverDefaults: QuotaLimits,
  ) {}

  /** Banning twice keeps the first ban's author and reason. */
  async ban(serverId: string, userId: string, by: string, reason = ''): Promise<ServerBanRecord> {
    await this.ensureServer(serverId);
    const ban = await this.db.serverBan.upsert({
      where: { serverId_userId: { serverId, userId } },
      create: { serverId, userId, bannedBy: by, reason },
      update: {},
    });
    return { userId: ban.userId, bannedBy: ban.bannedBy, reason: ban.reason, createdAt: ban.createdAt };
  }

  /** False when the user was not banned. */
  async unban(serverId: string, userId: string): Promise<boolean> {
    const deleted = await this.db.serverBan.deleteMany({ where: { serverId, userId } });
    return deleted.count > 0;
  }

  /** Direct messages have no server and so no bans. */
  async isBanned(serverId: string | null, userId: string): Promise<boolean> {
    if (serverId === null) return false;
    const found = await this.db.serverBan.findUnique({ where: { serverId_userId: { serverId, userId } } });
    return found !== null;
  }

  async listBlockedTerms(serverId: string): Promise<string[]> {
    const server = await this.db.server.findUnique({ where: { id: serverId }, select: { blockedTerms: true } });
    return server?.blockedTerms ?? [];
  }

  /** Returns the stored (normalised) term; adding a term already there changes nothing. */
  async addBlockedTerm(serverId: string, term: string): Promise<string> {
    const normalised = normaliseTerm(term);
    await this.ensureServer(serverId);
    await this.db.$transaction(async (tx) => {
      // The row lock makes two admins adding at once take turns, so neither can pass the cap.
      const rows = await tx.$queryRaw<{ terms: string[] | null }[]>`
        SELECT blocked_terms AS terms FROM servers WHERE id = ${serverId} FOR UPDATE`;
      const terms = rows[0]?.terms ?? [];
      if (terms.includes(normalised)) return;
      if (terms.length >= MAX_BLOCKED_TERMS) {
        throw new DeforumError(
          { code: 'usage', argument: 'term', reason: `the blocklist holds ${MAX_BLOCKED_TERMS} terms already` },
          `This server's blocklist already holds ${MAX_BLOCKED_TERMS} terms, the most allowed. Remove one first.`,
        );
      }
      await tx.server.update({ where: { id: serverId }, data: { blockedTerms: [...terms, normalised] } });
    });
    return normalised;
  }

  /** False when the term was not on the list. */
  async removeBlockedTerm(serverId: string, term: string): Promise<boolean> {
    const normalised = normaliseTerm(term);
    const updated = await this.db.$executeRaw`
      UPDATE servers SET blocked_terms = array_remove(blocked_terms, ${normalised}), updated_at = now()
       WHERE id = ${serverId} AND ${normalised} = ANY(blocked_terms)`;
    return updated > 0;
  }

  /**
   * Deletes the user's jobs, presets, quota rows and drafts, and returns the deleted jobs' ids so the caller
   * removes their files (storage.deleteJob). Queued and running jobs are cancelled first, in the same
   * transaction: a worker rendering one sees its fenced writes refused and stops. Bans stay: they are the
   * admins' record, not the user's data.
   */
  async deleteUserData(userId: string): Promise<string[]> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`
        UPDATE jobs SET state = 'cancelled' WHERE user_id = ${userId} AND state IN ('queued', 'running')`;
      const jobs = await tx.job.findMany({ where: { userId }, select: { id: true } });
      await tx.botDraft.deleteMany({ where: { userId } });
      // The users row's foreign keys cascade to jobs (and their frames and attachments), presets and quota rows.
      await tx.user.deleteMany({ where: { id: userId } });
      return jobs.map((job) => job.id);
    }, TRANSACTION_OPTIONS);
  }

  private async ensureServer(serverId: string): Promise<void> {
    await this.db.server.createMany({ data: [{ id: serverId, ...this.serverDefaults }], skipDuplicates: true });
  }
}

function normaliseTerm(term: string): string {
  const normalised = term.trim().replace(/\s+/g, ' ').toLowerCase();
  if (normalised === '' || normalised.length > MAX_BLOCKED_TERM_CHARS) {
    throw new DeforumError(
      { code: 'usage', argument: 'term', reason: `not 1 to ${MAX_BLOCKED_TERM_CHARS} characters` },
      `A blocked term is 1 to ${MAX_BLOCKED_TERM_CHARS} characters; '${term.slice(0, 80)}' is ` +
        `${normalised.length === 0 ? 'empty' : `${normalised.length} characters`}. Use a shorter word or phrase.`,
    );
  }
  return normalised;
}

/** The `servers` table: each Discord server's caps and quota, set by its admins, defaults on first use. */
import { DeforumError } from '../core/errors.js';
import type { Tx } from './user-store.js';
import type { JobDatabase } from './database.js';
import type { QuotaLimits } from './store-config.js';

type ServerModel = QuotaLimits & { id: string };

/** The limits that apply to a job: its server's, or the operator limits for jobs without a server. */
export async function limitsFor(
  tx: Tx,
  serverId: string | null,
  defaults: { serverDefaults: QuotaLimits; operatorLimits: QuotaLimits },
): Promise<QuotaLimits> {
  if (serverId === null) return defaults.operatorLimits;
  const found = await tx.server.findUnique({ where: { id: serverId } });
  if (found !== null) return pickLimits(found);
  await tx.server.createMany({ data: [{ id: serverId, ...defaults.serverDefaults }], skipDuplicates: true });
  return defaults.serverDefaults;
}

export class ServerStore {
  constructor(
    private readonly db: JobDatabase,
    private readonly serverDefaults: QuotaLimits,
  ) {}

  async getLimits(serverId: string): Promise<QuotaLimits> {
    const found = await this.db.server.findUnique({ where: { id: serverId } });
    return found === null ? this.serverDefaults : pickLimits(found);
  }

  /** An admin changes some limits; the others keep their current (or default) values. */
  async setLimits(serverId: string, changes: Partial<QuotaLimits>): Promise<QuotaLimits> {
    for (const [name, value] of Object.entries(changes)) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new DeforumError(
          { code: 'usage', argument: name, reason: 'not a whole number ≥ 0' },
          `${name} must be a whole number ≥ 0, not ${String(value)}.`,
        );
      }
    }
    const saved = await this.db.server.upsert({
      where: { id: serverId },
      create: { id: serverId, ...this.serverDefaults, ...changes },
      update: changes,
    });
    return pickLimits(saved);
  }
}

function pickLimits(server: ServerModel): QuotaLimits {
  return {
    maxWidth: server.maxWidth,
    maxHeight: server.maxHeight,
    maxSteps: server.maxSteps,
    maxFrames: server.maxFrames,
    unitsPerPeriod: server.unitsPerPeriod,
    periodSeconds: server.periodSeconds,
    maxActiveJobs: server.maxActiveJobs,
  };
}

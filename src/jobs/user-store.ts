/** The `users` table: a Discord user (or CLI operator) is created on first use. */
import type { Prisma } from './generated/prisma/client.js';

export type Tx = Prisma.TransactionClient;

/**
 * Creates the user if needed and holds its row lock until the transaction ends, so one user's submits, resumes
 * and quota checks run one at a time while different users never wait for each other.
 */
export async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO users (id) VALUES (${userId})
    ON CONFLICT (id) DO UPDATE SET last_seen_at = now()`;
}

/**
 * A run's checkpoint on disk: `{timestring}_checkpoint.bin` beside its frames (one per run, so two runs sharing
 * an output folder never overwrite each other's). Written atomically, a temporary file renamed over the old one,
 * so a render killed mid-write leaves the previous checkpoint intact and costs at most the frame in flight.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../core/animation/checkpoint.js';
import { DeforumError } from '../core/errors.js';

export function checkpointPath(out: string, timestring: string): string {
  return path.join(out, `${timestring}_checkpoint.bin`);
}

export async function writeCheckpointFile(file: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, encodeCheckpoint(checkpoint));
  await rename(temporary, file);
}

/** The checkpoint in `file`, or null when there is none; a file that cannot be read is a clear error. */
export async function readCheckpointFile(file: string): Promise<Checkpoint | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return decodeCheckpoint(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DeforumError(
      { code: 'checkpoint_unreadable', file, reason },
      `cannot resume from ${file}: ${reason}. Delete it to resume from the frames alone (as Deforum's ` +
        'resume_from_timestring does), or start a new render.',
      { cause: error },
    );
  }
}

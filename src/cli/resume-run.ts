/**
 * Finding where a stopped run left off, for `deforum render --resume DIR` and `resume_from_timestring`: the run's
 * checkpoint when it has one (every frame before it is on disk, and the rest come out as if the run had never
 * stopped). Without one, `--resume` starts the run over (it stopped before its first checkpoint, so any frame on
 * disk may be cut short), and `resume_from_timestring` resumes as the notebook does, from the last saved frame
 * (spec §14, resume-from-frames.ts), counting the run's frame files themselves (spec §24 item 48, F).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Checkpoint } from '../core/animation/checkpoint.js';
import { checkpointFromSavedFrame, frameToResumeFrom } from '../core/animation/resume-from-frames.js';
import { DeforumError } from '../core/errors.js';
import { decodeImage } from '../core/image/codec.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { frameFileName, parseFrameFileName } from '../core/video/frame-files.js';
import { checkpointPath, readCheckpointFile } from './checkpoint-file.js';

export interface StoppedRun {
  timestring: string;
  /** `{timestring}_settings.txt`: the settings the run was started with (seed resolved, --frames applied). */
  settingsFile: string;
}

export interface ResumePoint {
  /** Absent when the run has no frame yet: it starts over under its own timestring. */
  resumeFrom?: Checkpoint;
  /** Frames 0 … framesDone − 1 stay as they are. */
  framesDone: number;
}

const RUN_FILE = /^(.+)_(settings\.txt|checkpoint\.bin)$/;

/** The run to continue in `folder`: the newest one with a checkpoint, else the newest with a settings file. */
export async function findStoppedRun(folder: string): Promise<StoppedRun> {
  const names = await listFolder(folder);
  const runs = (suffix: string): string[] =>
    names.flatMap((name) => {
      const match = RUN_FILE.exec(name);
      return match?.[1] !== undefined && match[2] === suffix ? [match[1]] : [];
    });
  const withSettings = runs('settings.txt');
  const checkpointed = runs('checkpoint.bin').filter((ts) => withSettings.includes(ts));
  const timestring = (checkpointed.length > 0 ? checkpointed : withSettings).sort().at(-1);
  if (timestring === undefined) {
    throw new DeforumError(
      { code: 'resume_not_found', folder, reason: 'no run settings file' },
      `${folder} holds no run to resume (no {timestring}_settings.txt); give the --out folder of the render to continue.`,
    );
  }
  return { timestring, settingsFile: path.join(folder, `${timestring}_settings.txt`) };
}

/** Where the run `timestring` in `folder` continues with `settings`; `fromFrames`: the notebook's fallback. */
export async function resumePointOf(
  folder: string,
  timestring: string,
  settings: DeforumSettings,
  fromFrames: boolean,
): Promise<ResumePoint> {
  const framesOnDisk = countFrames(await listFolder(folder), timestring);
  const checkpoint = await readCheckpointFile(checkpointPath(folder, timestring));
  if (checkpoint !== null) {
    if (checkpoint.framesDone > framesOnDisk) {
      throw new DeforumError(
        { code: 'resume_not_found', folder, reason: `frame ${framesOnDisk} is missing` },
        `${path.join(folder, frameFileName(timestring, framesOnDisk))} is missing, but the checkpoint continues after ` +
          `frame ${checkpoint.framesDone - 1}; restore the frame, or delete the checkpoint to resume from frame ${framesOnDisk}.`,
      );
    }
    return { resumeFrom: checkpoint, framesDone: checkpoint.framesDone };
  }
  const frame = fromFrames ? frameToResumeFrom(framesOnDisk, settings.diffusion_cadence) : null;
  if (frame === null) return { framesDone: 0 };
  const image = await decodeImage(path.join(folder, frameFileName(timestring, frame)), {
    size: { width: settings.W, height: settings.H },
  });
  const resumeFrom = await checkpointFromSavedFrame(settings, frame, image);
  return { resumeFrom, framesDone: resumeFrom.framesDone };
}

/** Frames 0, 1, … of the run that are on disk, up to the first gap. */
function countFrames(names: readonly string[], timestring: string): number {
  const frames = new Set(names.map((name) => parseFrameFileName(timestring, name)));
  let count = 0;
  while (frames.has(count)) count++;
  return count;
}

async function listFolder(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    throw new DeforumError(
      { code: 'resume_not_found', folder, reason: 'unreadable folder' },
      `cannot read ${folder} to resume a run in it (${(error as Error).message}); give the --out folder of the render.`,
      { cause: error },
    );
  }
}

/**
 * The export's safety checker on a job's frames (issue 8 point 7): the bot posts a flagged job's video only in
 * age-restricted channels. It reads the frames that show a diffused image, as diffusers checks what the pipeline
 * generates; an in-between is a blend of two checked images and is not read again. With cadence c the loop never
 * writes a diffused image alone (cadence.ts): frame k + c − 1 shows image k at full weight, so that frame is read,
 * and the last frame for the last image. The first flag is written to the job at once (`JobLeases.flag`), before
 * its frame is recorded, so a resumed attempt that does not check earlier frames again still finds the job flagged.
 * A model folder without a checker flags nothing; the worker says so when it loads the models.
 */
import type { FrameDoneEvent } from '../core/animation/render-events.js';
import type { SafetyChecker } from '../core/diffusion/models/safety-checker.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import type { Logger } from './logger.js';

export interface FrameSafety {
  /** Checks the frame when it shows a diffused image; flags the job on the first NSFW finding. */
  inspect(event: FrameDoneEvent): Promise<void>;
  /** A frame of this job was flagged, in this attempt or an earlier one. */
  readonly flagged: boolean;
}

export interface FrameSafetyOptions {
  /** Null: the model folder has no safety checker (or the job is a preview, which diffuses nothing). */
  checker: SafetyChecker | null;
  settings: Pick<DeforumSettings, 'diffusion_cadence' | 'max_frames'>;
  /** The job's flag from its record: set by an earlier attempt. */
  flaggedBefore: boolean;
  /** Writes the flag to the job (fenced by the lease). */
  flag: () => Promise<void>;
  log: Logger;
}

export function frameSafety(options: FrameSafetyOptions): FrameSafety {
  const { checker, settings, log } = options;
  let flagged = options.flaggedBefore;
  return {
    get flagged() {
      return flagged;
    },
    async inspect(event) {
      // Once flagged the job stays flagged: checking further frames could change nothing.
      if (checker === null || flagged || !showsDiffusedImage(event, settings)) return;
      const [nsfw] = await checker.check([event.image]);
      if (nsfw !== true) return;
      await options.flag();
      flagged = true;
      log.warn({ frame: event.frame }, 'the safety checker flagged a frame; the job is marked flagged');
    },
  };
}

function showsDiffusedImage(event: FrameDoneEvent, settings: FrameSafetyOptions['settings']): boolean {
  if (event.kind === 'diffused') return true;
  return (event.frame + 1) % settings.diffusion_cadence === 0 || event.frame === settings.max_frames - 1;
}

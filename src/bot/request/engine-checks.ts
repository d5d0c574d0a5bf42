/**
 * The checks a worker runs before its first frame, run at submit so a request that would fail on the worker fails
 * while the modal can still be fixed: the render support of render-job.ts (checkRenderable: 2D and 3D only), what
 * the fleet can store (jobs/fleet-limits.ts checkStorable: 8-bit frames, no depth maps), the media
 * worker/job-media.ts needs (a video for hybrid video, an init under a mask), and the cost job-store.ts computes
 * at enqueue (renderCost expands strength_schedule over every frame).
 */
import { checkRenderable, isHybridActive } from '../../core/animation/render-support.js';
import { isDeforumError } from '../../core/errors.js';
import type { DeforumSettings } from '../../core/settings/schema.js';
import { checkStorable } from '../../jobs/fleet-limits.js';
import { renderCost } from '../../jobs/render-cost.js';
import type { AnimateInput } from './animate-request.js';

/** A problem found by the engine, with the setting it is about, or the attachment when the file is the problem. */
export type EngineProblem = { setting: string; message: string } | { field: 'mask' | 'video'; message: string };

export function engineProblems(settings: DeforumSettings, attachments: AnimateInput['attachments']): EngineProblem[] {
  if (settings.animation_mode !== '2D' && settings.animation_mode !== '3D') {
    return [
      {
        setting: 'animation_mode',
        message: `animation_mode is ${settings.animation_mode}: this bot renders 2D and 3D animations only. Set animation_mode = 2D or 3D in Overrides.`,
      },
    ];
  }
  const problems: EngineProblem[] = [];
  const collect = (check: () => void): void => {
    try {
      check();
    } catch (error) {
      if (!isDeforumError(error)) throw error;
      const { details } = error;
      problems.push({ setting: 'setting' in details ? details.setting : '(settings)', message: error.message });
    }
  };
  collect(() => checkRenderable(settings));
  collect(() => checkStorable(settings));
  const hybrid = isHybridActive(settings);
  if (hybrid && !attachments.video) {
    problems.push({
      setting: settings.hybrid_composite ? 'hybrid_composite' : 'hybrid_motion',
      message:
        'Hybrid video (hybrid_motion or hybrid_composite) follows a video: attach one with the video option, or set ' +
        'hybrid_composite = false and hybrid_motion = None in Overrides.',
    });
  }
  if (attachments.video && !hybrid) {
    problems.push({
      field: 'video',
      message:
        'The video is used by hybrid video only (Video Input mode is not available here). Add ' +
        '`hybrid_motion = Optical Flow` (the camera follows the video) or `hybrid_composite = true` (the video is ' +
        'blended in) to Overrides, or leave out the video.',
    });
  }
  // Frame 0's init is the upload, or the video's first frame (job-media.ts loadInit).
  const hasInit = attachments.init || (hybrid && attachments.video && settings.hybrid_use_first_frame_as_init_image);
  // use_mask without any mask source was reported with the attachments (attachment-settings.ts).
  const masked = settings.use_mask && (attachments.mask || settings.use_alpha_as_mask);
  if (masked && !hasInit) {
    problems.push({
      field: 'mask',
      message:
        'A mask marks which parts of the init image to keep, so it needs one: attach an init image too, or leave out the mask.',
    });
  } else if (masked && settings.use_alpha_as_mask && !attachments.init) {
    problems.push({
      setting: 'use_alpha_as_mask',
      message:
        'use_alpha_as_mask reads the mask from the init image’s transparency: attach an init image with an alpha channel, or set use_alpha_as_mask = false.',
    });
  }
  collect(() => renderCost(settings, { preview: false, hasInit }));
  return problems;
}

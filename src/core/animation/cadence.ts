/**
 * The diffusion-cadence plan of an animation: which frames are diffused, from which image each init comes, and
 * the in-between ("tween") frames written before each diffused frame, in the order a render loop performs them.
 *
 * Matches Deforum v0.7.1 `render_animation` (spec §9.1–9.3, §22.2, golden cadence.json): frames 0, c, 2c, … are
 * diffused; before diffusing f the loop writes t = s … f−1 (s = max(0, f − c)) as the newer diffused image D_next
 * blended over the older D_prev with weight w = (t − s + 1)/(f − s), each image warped once per frame index so both
 * are aligned to frame t. Spec §24 item 24 is kept (B): D_k is shown at index k with weight 1/c only and reaches
 * weight 1 one frame before the next diffused frame; the first block has no older image and shows D0 alone.
 * Spec §24 item 22 is fixed (F, docs/deviations.md): the original stops after diffusing the last frame
 * k = c·floor((N − 1)/c) and never writes frames k … N − 1; we run the tween pass once more, as if a frame k + c
 * were coming, over frames k … N − 1 only, so the video has exactly N frames.
 */
import { DeforumError, type SettingsIssue } from '../errors.js';

export interface DiffuseStep {
  kind: 'diffuse';
  /** The frame whose schedules, prompts and seed this generation uses. */
  frame: number;
  /** The diffused frame whose image, warped through initFrom + 1 … frame, is the init; null for frame 0. */
  initFrom: number | null;
  /** True with cadence 1: the diffused image is frame `frame` of the video. With cadence > 1 only tweens show it. */
  writes: boolean;
}

export interface TweenStep {
  kind: 'tween';
  /** The video frame this step writes. */
  frame: number;
  /** The newer diffused frame k; its image is warped through k + 1 … frame. */
  next: number;
  /** The older diffused frame blended under `next`, or null when the frame shows `next` alone. */
  prev: number | null;
  /** Weight of `next`; `prev` gets 1 − weightNext. 1 when prev is null. */
  weightNext: number;
  /**
   * Warp the older image by this frame's motion before blending. Like the original this is also true on the last
   * frame of a block, where the older image is no longer shown; kept so warp calls (and hybrid motion) match.
   */
  warpPrev: boolean;
  /** Warp the newer image by this frame's motion; false on its own index, where it is fresh from diffusion. */
  warpNext: boolean;
}

export type CadenceStep = DiffuseStep | TweenStep;

/** The steps of an animation of `maxFrames` frames with `diffusion_cadence` = `cadence`. */
export function planCadence(maxFrames: number, cadence: number): CadenceStep[] {
  checkInputs(maxFrames, cadence);
  if (maxFrames === 0) return [];
  if (cadence === 1) {
    return Array.from({ length: maxFrames }, (_, f) => ({
      kind: 'diffuse',
      frame: f,
      initFrom: f === 0 ? null : f - 1,
      writes: true,
    }));
  }
  const steps: CadenceStep[] = [{ kind: 'diffuse', frame: 0, initFrom: null, writes: false }];
  let prev: number | null = null;
  let next = 0;
  let prevIdx = 0;
  let nextIdx = 0;
  for (let f = cadence; ; f += cadence) {
    const start = f - cadence;
    // The last pass (f ≥ maxFrames) is the item-22 fix: the original leaves the loop before writing these frames.
    for (let t = start; t < Math.min(f, maxFrames); t++) {
      const w = (t - start + 1) / (f - start);
      const shown = prev !== null && w < 1;
      steps.push({
        kind: 'tween',
        frame: t,
        next,
        prev: shown ? prev : null,
        weightNext: shown ? w : 1,
        warpPrev: prev !== null && t > prevIdx,
        warpNext: t > nextIdx,
      });
      prevIdx = t;
      nextIdx = t;
    }
    if (f >= maxFrames) return steps;
    steps.push({ kind: 'diffuse', frame: f, initFrom: next, writes: false });
    prev = next;
    prevIdx = nextIdx;
    next = f;
    nextIdx = f;
  }
}

function checkInputs(maxFrames: number, cadence: number): void {
  const issues: SettingsIssue[] = [];
  if (!Number.isSafeInteger(maxFrames) || maxFrames < 0) {
    issues.push({
      setting: 'max_frames',
      message: `max_frames is ${maxFrames}; it must be a whole number ≥ 0.`,
      given: String(maxFrames),
      allowed: 'an integer ≥ 0',
    });
  }
  if (!Number.isSafeInteger(cadence) || cadence < 1) {
    issues.push({
      setting: 'diffusion_cadence',
      message: `diffusion_cadence is ${cadence}; it must be a whole number ≥ 1 (1 = diffuse every frame).`,
      given: String(cadence),
      allowed: 'an integer ≥ 1',
    });
  }
  if (issues.length > 0) {
    throw new DeforumError({ code: 'settings_invalid', issues }, issues.map((i) => i.message).join('\n'));
  }
}

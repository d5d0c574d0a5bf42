/**
 * What the next diffused frame's init needs that no image decides (issue 6 "Speed"): the 2D warp plans of the
 * frames its image is warped through (the in-betweens before it, then its own frame: camera-path.ts) and its
 * noise, which depends on its seed alone (frame-noise.ts). The loop makes them while the generation before it
 * runs, so the path from one generation to the next holds only the work on the image itself. The init chain
 * takes the noise only when it was drawn for its seed (frame-chain.ts), and a plan made ahead is the plan the
 * warp would make, so nothing here can change a frame.
 */
import { drawFrameNoise, type DrawnFrameNoise } from '../image/frame-noise.js';
import { prepareWarps } from './camera-path.js';
import type { RenderPlan } from './render-plan.js';
import { nextSeed, seedAtFrame, type SeedState } from './seeds.js';

/**
 * For the generation of plan step `index` (seed state `seed`, before its `next_seed`): makes the warp plans of the
 * next diffused frame's init and returns its noise, or null when that frame adds none (or there is none).
 */
export function prepareNextInit(
  plan: RenderPlan,
  index: number,
  seed: SeedState,
  size: { width: number; height: number },
): DrawnFrameNoise | null {
  const later = plan.steps.slice(index + 1);
  const nextIndex = later.findIndex((step) => step.kind === 'diffuse');
  const next = later[nextIndex];
  if (next?.kind !== 'diffuse' || next.initFrom === null) return null;
  const warpedFrames = later
    .slice(0, nextIndex)
    .flatMap((step) => (step.kind === 'tween' && step.warpNext ? [step.frame] : []));
  prepareWarps(plan.camera, [...warpedFrames, next.frame], size.width, size.height);
  const amount = plan.keys.series.noise_schedule[next.frame] ?? 0;
  if (amount === 0) return null;
  const { seed: nextFrameSeed } = seedAtFrame(nextSeed(seed, plan.seedRule), plan.seedRule, next.frame);
  return drawFrameNoise(nextFrameSeed, [1, 3, size.height, size.width]);
}

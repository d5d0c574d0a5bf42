import { describe, expect, it } from 'vitest';

import { prepareNextInit } from '../../../src/core/animation/init-ahead.js';
import { planRender } from '../../../src/core/animation/render-plan.js';
import { checkRenderable } from '../../../src/core/animation/render-support.js';
import { drawFrameNoise } from '../../../src/core/image/frame-noise.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';

const SIZE = { width: 64, height: 128 };

function planWith(overrides: Record<string, unknown>) {
  const settings = parseSettingsOrThrow(
    { animation_mode: '2D', W: 64, H: 128, seed: 10, max_frames: 7, diffusion_cadence: '3', ...overrides },
    'test settings',
  );
  return planRender(checkRenderable(settings));
}

describe('prepareNextInit', () => {
  it("draws the next diffused frame's noise with the seed its generation will have", () => {
    // Steps: diffuse 0, tweens 0-2, diffuse 3, tweens 3-5, diffuse 6, tween 6.
    for (const [behavior, seed] of [
      ['iter', 11],
      ['fixed', 10],
      ['ladder', 12],
    ] as const) {
      const plan = planWith({ seed_behavior: behavior, noise_schedule: '0:(0.1)' });
      const noise = prepareNextInit(plan, 0, plan.firstSeed, SIZE);
      expect(noise).toEqual(drawFrameNoise(seed, [1, 3, 128, 64]));
    }
    const scheduled = planWith({
      seed_behavior: 'schedule',
      seed_schedule: '0:(5), 3:(900)',
      noise_schedule: '0:(0.1)',
    });
    expect(prepareNextInit(scheduled, 0, scheduled.firstSeed, SIZE)?.seed).toBe(900);
  });

  it('draws nothing for a frame without noise, nor after the last diffused frame', () => {
    const plan = planWith({ noise_schedule: '0:(0.1), 3:(0), 6:(0.1)' });
    expect(prepareNextInit(plan, 0, plan.firstSeed, SIZE)).toBeNull();
    const sixth = plan.steps.findIndex((step) => step.kind === 'diffuse' && step.frame === 3);
    expect(prepareNextInit(plan, sixth, { seed: 11, seedInternal: 1 }, SIZE)?.seed).toBe(12);
    const last = plan.steps.findIndex((step) => step.kind === 'diffuse' && step.frame === 6);
    expect(prepareNextInit(plan, last, { seed: 12, seedInternal: 2 }, SIZE)).toBeNull();
  });
});

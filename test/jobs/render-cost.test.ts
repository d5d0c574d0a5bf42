import { describe, expect, test } from 'vitest';
import { renderCost } from '../../src/jobs/render-cost.js';
import { smallSettings } from './fixtures.js';

describe('renderCost', () => {
  test.each([
    // frame 0 txt2img 10 steps, then 3 frames at strength 0.5 → 5 steps each
    { name: 'cadence 1', changes: {}, hasInit: false, units: 25, diffused: 4 },
    // an init image on frame 0 at strength 0.8 runs int((1 − 0.8)·10) = int(1.999…) = 1 step, as in Python
    { name: 'init image', changes: { use_init: true, strength: 0.8 }, hasInit: true, units: 16, diffused: 4 },
    // without an init image frame 0 is txt2img, as in Deforum
    { name: 'no init image', changes: { strength: 0.8 }, hasInit: false, units: 25, diffused: 4 },
    // cadence 2 over 4 frames diffuses frames 0 and 2
    { name: 'cadence 2', changes: { diffusion_cadence: 2 }, hasInit: false, units: 15, diffused: 2 },
    // 1024×1024 is four 512² tiles
    { name: '1024²', changes: { W: 1024, H: 1024 }, hasInit: false, units: 100, diffused: 4 },
    // 2048² costs sixteen times 512²
    { name: '2048²', changes: { W: 2048, H: 2048 }, hasInit: false, units: 400, diffused: 4 },
    // W, H round down to multiples of 64 as the render does: 700 → 640
    { name: 'rounded size', changes: { W: 700 }, hasInit: false, units: Math.ceil((25 * 640) / 512), diffused: 4 },
    // frame 1 interpolates to 0.75 (int(0.25·10) = 2 steps); strength 1 from frame 2 runs no steps
    {
      name: 'strength schedule',
      changes: { strength_schedule: '0:(0.5), 2:(1.0)' },
      hasInit: false,
      units: 10 + 2 + 0 + 0,
      diffused: 4,
    },
  ])('$name', ({ changes, hasInit, units, diffused }) => {
    const cost = renderCost(smallSettings(changes), { preview: false, hasInit });
    expect(cost.units).toBe(units);
    expect(cost.diffusedFrames).toBe(diffused);
  });

  test('the last cadence block is not charged for a frame it does not diffuse', () => {
    // N = 10, c = 3 diffuses 0, 3, 6, 9: four frames, not ceil(10/3)+1
    expect(
      renderCost(smallSettings({ max_frames: 10, diffusion_cadence: 3 }), { preview: false, hasInit: false }),
    ).toMatchObject({ diffusedFrames: 4, steps: 10 + 3 * 5 });
  });

  test('a motion preview costs nothing', () => {
    expect(renderCost(smallSettings(), { preview: true, hasInit: false }).units).toBe(0);
  });
});

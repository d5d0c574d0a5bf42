import { describe, expect, it } from 'vitest';
import { renderInterpolation } from '../../../../src/core/animation/modes/interpolation.js';
import { planInterpolation } from '../../../../src/core/animation/modes/interpolation-plan.js';
import { collect, flatImage, recordingGenerator, settingsWith } from './mode-test-support.js';

const keys = (...frames: number[]) => frames.map((frame) => ({ frame }));

describe('planInterpolation', () => {
  it('x in-betweens per pair, then the last prompt: (P − 1)(x + 1) + 1 frames', () => {
    const plan = planInterpolation(keys(0, 10, 20), { keyFrames: false, xFrames: 2 });
    expect(plan.map((f) => [f.from, f.to, Number(f.weight.toFixed(4))])).toEqual([
      [0, 1, 0],
      [0, 1, 0.3333],
      [0, 1, 0.6667],
      [1, 2, 0],
      [1, 2, 0.3333],
      [1, 2, 0.6667],
      [2, null, 0],
    ]);
  });

  it('key frames space every pair by their keys (item 52 F: not only the last pair), one prompt gives one frame', () => {
    const plan = planInterpolation(keys(0, 2, 5), { keyFrames: true, xFrames: 20 });
    expect(plan.map((f) => [f.from, f.to, Number(f.weight.toFixed(4))])).toEqual([
      [0, 1, 0],
      [0, 1, 0.5],
      [1, 2, 0],
      [1, 2, 0.3333],
      [1, 2, 0.6667],
      [2, null, 0],
    ]);
    expect(planInterpolation(keys(4), { keyFrames: true, xFrames: 20 })).toEqual([{ from: 0, to: null, weight: 0 }]);
    expect(() => planInterpolation(keys(5, 5), { keyFrames: true, xFrames: 1 })).toThrow(/key 5 follows key 5/);
  });
});

describe('renderInterpolation', () => {
  it('one seed for every frame; the prompts blend towards the next key, with their negative prompts (item 52 F)', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({
      animation_mode: 'Interpolation',
      interpolate_x_frames: 1,
      seed_behavior: 'iter',
      prompts: { 0: 'a lake', 4: 'a forest' },
      neg_prompts: { 0: 'fog', 4: 'snow' },
    });
    const events = await collect(renderInterpolation({ settings, init: null, mask: null, generate }));
    expect(
      requests.map((r) => ({
        frame: r.frame,
        seed: r.seed,
        prompt: r.prompt,
        negativePrompt: r.negativePrompt,
        blend: r.promptBlend,
        init: r.init,
      })),
    ).toEqual([
      {
        frame: 0,
        seed: 10,
        prompt: 'a lake',
        negativePrompt: 'fog',
        blend: { prompt: 'a forest', negativePrompt: 'snow', weight: 0 },
        init: undefined,
      },
      {
        frame: 1,
        seed: 10,
        prompt: 'a lake',
        negativePrompt: 'fog',
        blend: { prompt: 'a forest', negativePrompt: 'snow', weight: 0.5 },
        init: undefined,
      },
      { frame: 2, seed: 10, prompt: 'a forest', negativePrompt: 'snow', blend: undefined, init: undefined },
    ]);
    expect(events.filter((e) => e.type === 'frame:done').map((e) => e.frame)).toEqual([0, 1, 2]);
    expect(events.at(-1)).toEqual({ type: 'done', frameCount: 3 });
  });

  it('with use_init every frame is img2img of the init image at strength', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({
      animation_mode: 'Interpolation',
      interpolate_x_frames: 0,
      use_init: true,
      strength: 0.3,
    });
    await collect(renderInterpolation({ settings, init: flatImage(90), mask: null, generate }));
    expect(requests.map((r) => r.init?.strength)).toEqual([0.3, 0.3]);
  });
});

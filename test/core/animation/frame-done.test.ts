import { describe, expect, it } from 'vitest';
import { diffusedFrameDone } from '../../../src/core/animation/frame-done.js';
import { renderAnimation } from '../../../src/core/animation/render-loop.js';
import type { FrameDoneEvent } from '../../../src/core/animation/render-events.js';
import { latent } from '../../../src/core/diffusion/tensor.js';
import { collect, flatImage, recordingGenerator, settingsWith } from './modes/mode-test-support.js';

describe('bit_depth_output 16', () => {
  it('a diffused frame carries its sample on the float 0…255 scale, untruncated', () => {
    const sample = latent([1, 3, 1, 1], Float32Array.of(1, 0.2, -1));
    const event = diffusedFrameDone(4, sample, { bit_depth_output: 16, color_force_grayscale: false });
    expect([...event.image.data]).toEqual([255, 153, 0]);
    expect([...(event.image16?.data ?? [])]).toEqual([255, Math.fround(Math.fround(0.6) * 255), 0]);
    expect(diffusedFrameDone(4, sample, { bit_depth_output: 8, color_force_grayscale: false }).image16).toBeUndefined();
  });

  it('2D with cadence: diffused frames only are 16-bit, in-betweens stay 8-bit (item 23, B)', async () => {
    const { generate } = recordingGenerator();
    const settings = settingsWith({
      animation_mode: '2D',
      max_frames: 3,
      bit_depth_output: 16,
      color_coherence: 'None',
    });
    const events = await collect(renderAnimation({ settings, init: flatImage(80), generate }));
    const done = events.filter((e): e is FrameDoneEvent => e.type === 'frame:done');
    expect(done.map((e) => [e.frame, e.image16 !== undefined])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
    const cadence = settingsWith({ ...settings, diffusion_cadence: '2' });
    const tweens = (await collect(renderAnimation({ settings: cadence, init: flatImage(80), generate }))).filter(
      (e): e is FrameDoneEvent => e.type === 'frame:done',
    );
    expect(tweens.map((e) => [e.kind, e.image16 !== undefined])).toEqual([
      ['tween', false],
      ['tween', false],
      ['tween', false],
    ]);
  });
});

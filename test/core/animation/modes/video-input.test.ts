import { describe, expect, it } from 'vitest';
import { renderVideoInput } from '../../../../src/core/animation/modes/video-input.js';
import { DeforumError } from '../../../../src/core/errors.js';
import { sampleFromPixels, sampleToPixels } from '../../../../src/core/image/frame-noise.js';
import { collect, flatImage, flatVideo, recordingGenerator, settingsWith, SIZE } from './mode-test-support.js';

describe('renderVideoInput', () => {
  it('diffuses every video frame at the global strength with its prompts and seeds; max_frames is the frame count', async () => {
    const { generate, requests } = recordingGenerator();
    const video = flatVideo(3);
    const settings = settingsWith({
      animation_mode: 'Video Input',
      max_frames: 100,
      strength: 0.4,
      strength_schedule: '0:(0.9)',
      diffusion_cadence: '3',
      zoom: '0:(1.5)',
      color_coherence: 'Match Frame 0 LAB',
      enable_schedule_samplers: true,
      sampler_schedule: "0:('euler'), 1:('heun')",
    });
    const events = await collect(renderVideoInput({ settings, video, maskVideo: null, mask: null, generate }));
    expect(
      requests.map((r) => ({
        frame: r.frame,
        seed: r.seed,
        strength: r.init?.strength,
        sampler: r.sampler,
        prompt: r.prompt,
        negativePrompt: r.negativePrompt,
      })),
    ).toEqual([
      { frame: 0, seed: 10, strength: 0.4, sampler: 'euler', prompt: 'a lake', negativePrompt: 'fog' },
      { frame: 1, seed: 11, strength: 0.4, sampler: 'heun', prompt: 'a lake', negativePrompt: 'fog' },
      { frame: 2, seed: 12, strength: 0.4, sampler: 'heun', prompt: 'a forest', negativePrompt: 'fog' },
    ]);
    expect(video.reads).toEqual([0, 1, 2]);
    // Each frame is its own video frame, stretched to W×H, never the previous output moved or matched (item 26, B).
    const done = events.filter((e) => e.type === 'frame:done');
    const throughSample = (level: number) => sampleToPixels(sampleFromPixels(flatImage(level))).data[0];
    expect(done.map((e) => [e.frame, e.kind, e.image.width, e.image.data[0]])).toEqual([
      [0, 'diffused', SIZE, throughSample(10)],
      [1, 'diffused', SIZE, throughSample(20)],
      [2, 'diffused', SIZE, throughSample(30)],
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', frameCount: 3 });
  });

  it('with a mask video, each frame gets its own mask frame and the overlay keeps its init', async () => {
    const { generate, requests } = recordingGenerator();
    const maskVideo = flatVideo(3);
    const settings = settingsWith({ animation_mode: 'Video Input', use_mask_video: true, overlay_mask: false });
    await collect(renderVideoInput({ settings, video: flatVideo(2), maskVideo, mask: null, generate }));
    expect(maskVideo.reads).toEqual([0, 1]);
    // use_mask_video forces use_mask and overlay_mask (spec §11).
    expect(requests.map((r) => [r.mask?.latent.width, r.mask?.latent.data[0], r.mask?.overlay?.original])).toEqual(
      [
        [SIZE / 8, 10 / 255, 'init'],
        [SIZE / 8, 20 / 255, 'init'],
      ].map(([w, m, o]) => [w, Math.fround(m as number), o]),
    );
  });

  it('writes 16-bit frames from the sample, not from the 8-bit image', async () => {
    const { generate } = recordingGenerator();
    const settings = settingsWith({ animation_mode: 'Video Input', bit_depth_output: 16 });
    const events = await collect(
      renderVideoInput({ settings, video: flatVideo(1), maskVideo: null, mask: null, generate }),
    );
    const done = events.find((e) => e.type === 'frame:done');
    expect(done?.image16?.format).toBe('f32');
    expect(Math.trunc(done?.image16?.data[0] ?? 0)).toBe(done?.image.data[0]);
  });

  it('refuses use_mask without a mask image, and a mask video shorter than the video', async () => {
    const { generate } = recordingGenerator();
    const noMask = settingsWith({ animation_mode: 'Video Input', use_mask: true });
    await expect(
      collect(renderVideoInput({ settings: noMask, video: flatVideo(2), maskVideo: null, mask: null, generate })),
    ).rejects.toThrow(/no mask image was given/);
    const short = settingsWith({ animation_mode: 'Video Input', use_mask_video: true });
    const error = await collect(
      renderVideoInput({
        settings: short,
        video: flatVideo(3),
        maskVideo: flatVideo(2),
        mask: flatImage(255),
        generate,
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).message).toMatch(/mask video has 2 frames, fewer than the 3/);
  });
});

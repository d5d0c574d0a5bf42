/**
 * Lifted refusals: `seed_behavior: 'schedule'` (each diffused frame's seed is seed_schedule there, with s and
 * max_f) and `hybrid_use_video_as_mse_image` (each diffused frame's init_mse image is its video frame).
 */
import { describe, expect, it } from 'vitest';
import { renderDeforum } from '../../../src/core/animation/render-deforum.js';
import { renderAnimation } from '../../../src/core/animation/render-loop.js';
import { collect, flatImage, flatVideo, recordingGenerator, settingsWith } from './modes/mode-test-support.js';

describe("seed_behavior 'schedule'", () => {
  it('seeds each diffused frame from seed_schedule with s and max_f, truncated', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({
      animation_mode: '2D',
      max_frames: 6,
      diffusion_cadence: 2,
      seed_behavior: 'schedule',
      seed_schedule: '0:(s), 2:(s+2.7), 4:(max_f*1000), 5:(-3)',
    });
    await collect(renderAnimation({ settings, init: null, generate }));
    // Cadence 2 diffuses frames 0, 2 and 4; s = 10, max_f = 5, 12.7 truncates to 12.
    expect(requests.map((r) => [r.frame, r.seed])).toEqual(
      requests.map((r) => [r.frame, ({ 0: 10, 2: 12, 4: 5000, 5: -3 } as Record<number, number>)[r.frame]]),
    );
    expect(requests.map((r) => r.frame)).toContain(4);
  });

  it('Video Input and stills take it too', async () => {
    const video = recordingGenerator();
    const settings = settingsWith({
      animation_mode: 'Video Input',
      seed_behavior: 'schedule',
      seed_schedule: '0:(s*2+t)',
    });
    await collect(
      renderDeforum({
        settings,
        generate: video.generate,
        timestring: 't',
        inits: [],
        mask: null,
        video: flatVideo(3),
        maskVideo: null,
      }),
    );
    expect(video.requests.map((r) => r.seed)).toEqual([20, 21, 22]);
    const stills = recordingGenerator();
    const still = settingsWith({
      animation_mode: 'None',
      n_batch: 3,
      seed_behavior: 'schedule',
      seed_schedule: '0:(7), 1:(8)',
    });
    await collect(
      renderDeforum({
        settings: still,
        generate: stills.generate,
        timestring: 't',
        inits: [],
        mask: null,
        video: null,
        maskVideo: null,
      }),
    );
    expect(stills.requests.slice(0, 3).map((r) => r.seed)).toEqual([7, 8, 8]);
  });
});

describe('hybrid_use_video_as_mse_image', () => {
  it('gives each diffused frame its video frame as init_mse_image (frame f: file f, video frame f − 1)', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({
      animation_mode: '2D',
      max_frames: 4,
      hybrid_composite: true,
      hybrid_use_video_as_mse_image: true,
      init_mse_scale: 1,
    });
    await collect(renderAnimation({ settings, init: flatImage(100), generate, video: flatVideo(4) }));
    const levels = requests.map((r) => r.guidanceImages?.init_mse_image?.data[0]);
    // flatVideo frame i is grey 10·(i + 1): frame 0 and 1 read video frame 0, frame 2 frame 1, frame 3 frame 2.
    expect(levels).toEqual([10, 10, 20, 30]);
    expect(requests.every((r) => r.guidanceImages?.init_mse_image?.width === settings.W)).toBe(true);
  });

  it('leaves the render-fixed image alone when init_mse_scale is 0 or hybrid is off', async () => {
    for (const overrides of [{ hybrid_composite: true, init_mse_scale: 0 }, { init_mse_scale: 1 }]) {
      const { generate, requests } = recordingGenerator();
      const settings = settingsWith({
        animation_mode: '2D',
        max_frames: 2,
        hybrid_use_video_as_mse_image: true,
        ...overrides,
      });
      await collect(renderAnimation({ settings, init: flatImage(100), generate, video: flatVideo(2) }));
      expect(requests.map((r) => r.guidanceImages)).toEqual([undefined, undefined]);
    }
  });
});

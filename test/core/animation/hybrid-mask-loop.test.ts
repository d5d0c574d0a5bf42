/**
 * Hybrid video and `use_mask` in the 2D loop, with a recording generator and a recording frame source: which video
 * frames are read for motion and compositing, the composite's per-frame alpha, extra-frame events, and the overlay
 * mask moving with the camera while the latent mask stays.
 */
import { describe, expect, it } from 'vitest';
import type { FrameGenerator, GenerateRequest } from '../../../src/core/animation/frame-generator.js';
import type { FrameSource } from '../../../src/core/animation/frame-source.js';
import type { RenderEvent } from '../../../src/core/animation/render-events.js';
import { renderAnimation, type RenderInput } from '../../../src/core/animation/render-loop.js';
import { DeforumError } from '../../../src/core/errors.js';
import { createRawImage, type RawImage } from '../../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';

const SIZE = 64;

function settingsWith(overrides: Record<string, unknown>) {
  return parseSettingsOrThrow(
    {
      animation_mode: '2D',
      W: SIZE,
      H: SIZE,
      seed: 3,
      max_frames: 3,
      color_coherence: 'None',
      noise_schedule: '0:(0)',
      contrast_schedule: '0:(1)',
      amount_schedule: '0:(0)',
      ...overrides,
    },
    'test settings',
  );
}

function pattern(shift: number): RawImage<'u8'> {
  const image = createRawImage('u8', SIZE, SIZE, 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = ((x + shift) * 13 + y * 7) % 256;
      image.data.set([v, 255 - v, (v * 3) % 256], (y * SIZE + x) * 3);
    }
  }
  return image;
}

function recordingVideo(count: number): { video: FrameSource; reads: number[] } {
  const reads: number[] = [];
  const video: FrameSource = {
    count,
    read: (index) => {
      reads.push(index);
      return Promise.resolve(pattern(index * 2));
    },
  };
  return { video, reads };
}

function recordingGenerator(): { generate: FrameGenerator; requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  const generate: FrameGenerator = (request) => {
    requests.push(request);
    if (request.init === undefined) throw new Error('test generator: every frame has an init');
    return Promise.resolve({ sample: request.init.sample });
  };
  return { generate, requests };
}

async function collect(input: RenderInput): Promise<RenderEvent[]> {
  const events: RenderEvent[] = [];
  for await (const event of renderAnimation(input)) events.push(event);
  return events;
}

describe('hybrid video in the 2D loop', () => {
  it('pairs video frames f−1 → f for motion, composites file f with the frame alpha, and saves extra frames', async () => {
    const { video, reads } = recordingVideo(3);
    const { generate } = recordingGenerator();
    const settings = settingsWith({
      hybrid_motion: 'Perspective',
      hybrid_composite: true,
      hybrid_comp_mask_type: 'Blend',
      hybrid_comp_alpha_schedule: '0:(0), 2:(1)',
      hybrid_comp_save_extra_frames: true,
    });
    const events = await collect({ settings, init: pattern(0), generate, video });
    // Frame 1: motion 0 → 1, composite file 1 (index 0); frame 2: motion 1 → 2, composite index 1.
    expect(reads).toEqual([1, 0, 0, 2, 1, 1]);
    const files = events.flatMap((e) => (e.type === 'image:file' ? [e.file] : []));
    expect(files).toEqual([
      'hybridframes/mask00001.jpg',
      'hybridframes/comp00001.jpg',
      'hybridframes/prev00001.jpg',
      'hybridframes/mask00002.jpg',
      'hybridframes/comp00002.jpg',
      'hybridframes/prev00002.jpg',
    ]);
    const extra = (name: string) =>
      events.find((e): e is Extract<RenderEvent, { type: 'image:file' }> => e.type === 'image:file' && e.file === name);
    // Alpha 1 at frame 2: the new previous image is the composite itself; alpha 0.5 at frame 1 is not.
    expect(extra('hybridframes/prev00002.jpg')?.image.data).toEqual(extra('hybridframes/comp00002.jpg')?.image.data);
    expect(extra('hybridframes/prev00001.jpg')?.image.data).not.toEqual(
      extra('hybridframes/comp00001.jpg')?.image.data,
    );
  });

  it('with mask None and alpha 1 the init of frame f is video file f, and a missing video is refused', async () => {
    const { video } = recordingVideo(3);
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({ hybrid_composite: true });
    const events = await collect({ settings, init: pattern(0), generate, video });
    const started = events.flatMap((e) => (e.type === 'frame:started' ? [e] : []));
    expect(started[2]?.init?.data).toEqual(pattern(2).data);
    expect(requests).toHaveLength(3);
    await expect(collect({ settings, init: pattern(0), generate })).rejects.toBeInstanceOf(DeforumError);
  });
});

describe('use_mask in the 2D loop', () => {
  it('keeps the latent mask and moves the overlay with each frame', async () => {
    const { generate, requests } = recordingGenerator();
    const mask = createRawImage('u8', SIZE, SIZE, 3);
    for (let p = 0; p < SIZE * SIZE; p++) if (p % SIZE < SIZE / 2) mask.data.fill(255, p * 3, p * 3 + 3);
    const settings = settingsWith({ use_mask: true, use_init: true, translation_x: '0:(8)', mask_overlay_blur: 0 });
    await collect({ settings, init: pattern(0), generate, mask });
    const [first, second, third] = requests.map((r) => r.mask);
    expect(first?.overlay?.original).toBe('init');
    expect(second?.latent.data).toEqual(first?.latent.data);
    const row = (request: typeof first) => Array.from(request?.overlay?.mask.data.subarray(0, SIZE) ?? []);
    const edge = (values: number[]) => values.findIndex((m) => m < 0.5);
    expect(edge(row(first))).toBe(32);
    // 8 px per frame, give or take the bilinear edge pixel.
    expect(edge(row(second))).toBeGreaterThanOrEqual(40);
    expect(edge(row(third)) - edge(row(second))).toBeGreaterThanOrEqual(8);
    expect(third?.overlay?.original).not.toBe('init');
  });

  it('refuses use_mask without a mask image', async () => {
    const { generate } = recordingGenerator();
    const settings = settingsWith({ use_mask: true, use_init: true });
    await expect(collect({ settings, init: pattern(0), generate })).rejects.toThrow(/use_mask needs a mask image/);
  });
});

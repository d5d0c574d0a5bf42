import { describe, expect, it } from 'vitest';
import type { FrameGenerator, GenerateRequest } from '../../../src/core/animation/frame-generator.js';
import type { RenderEvent } from '../../../src/core/animation/render-events.js';
import { renderAnimation, type RenderInput } from '../../../src/core/animation/render-loop.js';
import type { DepthModel } from '../../../src/core/diffusion/models/depth.js';
import { latent } from '../../../src/core/diffusion/tensor.js';
import { DeforumError } from '../../../src/core/errors.js';
import { createRawImage, type RawImage } from '../../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';
import type { DeforumSettings } from '../../../src/core/settings/schema.js';

const SIZE = 64;

function settingsWith(overrides: Record<string, unknown>): DeforumSettings {
  return parseSettingsOrThrow(
    {
      animation_mode: '2D',
      W: SIZE,
      H: SIZE,
      seed: 10,
      max_frames: 5,
      color_coherence: 'None',
      noise_schedule: '0:(0)',
      prompts: { 0: 'a lake', 3: 'a forest' },
      neg_prompts: { 0: 'fog' },
      ...overrides,
    },
    'test settings',
  );
}

function gradient(): RawImage<'u8'> {
  const image = createRawImage('u8', SIZE, SIZE, 3);
  image.data.forEach((_, i) => (image.data[i] = (i * 7) % 251));
  return image;
}

/** Records every request and answers like diffusion at strength 1: the init back, or mid-grey without one. */
function recordingGenerator(): { generate: FrameGenerator; requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  const grey = latent([1, 3, SIZE, SIZE]);
  const generate: FrameGenerator = (request) => {
    requests.push(request);
    request.onStep?.(1, 2);
    request.onStep?.(2, 2);
    return Promise.resolve({ sample: request.init?.sample ?? grey });
  };
  return { generate, requests };
}

async function collect(input: RenderInput): Promise<RenderEvent[]> {
  const events: RenderEvent[] = [];
  for await (const event of renderAnimation(input)) events.push(event);
  return events;
}

const summary = (requests: GenerateRequest[]) =>
  requests.map((r) => ({
    frame: r.frame,
    seed: r.seed,
    strength: r.init === undefined ? null : Number(r.init.strength.toFixed(9)),
    sampler: r.sampler,
    prompt: r.prompt,
    negativePrompt: r.negativePrompt,
  }));

describe('renderAnimation', () => {
  it('cadence 1: one generation per frame with its seed, strength, sampler and prompts', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({
      strength: 0.4,
      strength_schedule: '0:(0.2), 4:(1.4)',
      enable_schedule_samplers: true,
      sampler_schedule: "0:('euler'), 2:('ddim'), 3:('heun')",
    });
    const events = await collect({ settings, init: gradient(), generate });
    expect(summary(requests)).toEqual([
      // Frame 0 starts from the init image at `strength`; later frames from the previous one at the schedule's value.
      { frame: 0, seed: 10, strength: 0.4, sampler: 'euler', prompt: 'a lake', negativePrompt: 'fog' },
      { frame: 1, seed: 11, strength: 0.5, sampler: 'euler', prompt: 'a lake', negativePrompt: 'fog' },
      // 'ddim' cannot be scheduled: the last valid sampler stays (sticky).
      { frame: 2, seed: 12, strength: 0.8, sampler: 'euler', prompt: 'a lake', negativePrompt: 'fog' },
      // 1.1 and 1.4 are clamped to 1.
      { frame: 3, seed: 13, strength: 1, sampler: 'heun', prompt: 'a forest', negativePrompt: 'fog' },
      { frame: 4, seed: 14, strength: 1, sampler: 'heun', prompt: 'a forest', negativePrompt: 'fog' },
    ]);
    expect(events.filter((e) => e.type === 'frame:done').map((e) => e.frame)).toEqual([0, 1, 2, 3, 4]);
  });

  it('cadence 3: diffuses frames 0, 3, 6 with the next seeds and writes every frame once, in order', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({ max_frames: 7, diffusion_cadence: '3', seed_behavior: 'ladder' });
    const events = await collect({ settings, init: gradient(), generate });
    expect(summary(requests).map(({ frame, seed, strength }) => ({ frame, seed, strength }))).toEqual([
      { frame: 0, seed: 10, strength: 0.65 },
      { frame: 3, seed: 12, strength: 0.65 },
      { frame: 6, seed: 11, strength: 0.65 },
    ]);
    const done = events.flatMap((e) => (e.type === 'frame:done' ? [[e.frame, e.kind] as const] : []));
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6].map((frame) => [frame, 'tween']));
    expect(events.at(-1)).toEqual({ type: 'done', frameCount: 7 });
  });

  it('reports events in order: started, steps, done per frame, then done', async () => {
    const { generate } = recordingGenerator();
    const events = await collect({ settings: settingsWith({ max_frames: 2 }), init: gradient(), generate });
    expect(events.map((e) => `${e.type}${'frame' in e ? ` ${e.frame}` : ''}`)).toEqual([
      'frame:started 0',
      'step 0',
      'step 0',
      'frame:done 0',
      'frame:started 1',
      'step 1',
      'step 1',
      'frame:done 1',
      'done',
    ]);
    const done = events.find((e) => e.type === 'frame:done');
    expect(done?.type === 'frame:done' && [done.image.width, done.preview.width]).toEqual([SIZE, SIZE]);
  });

  it('starts from text alone without an init image: no init, strength null', async () => {
    const { generate, requests } = recordingGenerator();
    const events = await collect({ settings: settingsWith({ max_frames: 2 }), init: null, generate });
    expect(requests[0]?.init).toBeUndefined();
    expect(requests[1]?.init?.strength).toBe(0.65);
    const started = events.find((e) => e.type === 'frame:started');
    expect(started?.type === 'frame:started' && [started.strength, started.init]).toEqual([null, null]);
  });

  it('runs plms animations as klms, as the notebook does at startup', async () => {
    const { generate, requests } = recordingGenerator();
    await collect({ settings: settingsWith({ max_frames: 1, sampler: 'plms' }), init: gradient(), generate });
    expect(requests.map((r) => r.sampler)).toEqual(['klms']);
  });

  it('stops between frames when the signal aborts and hands the signal to the generator', async () => {
    const { generate, requests } = recordingGenerator();
    const abort = new AbortController();
    const seen: number[] = [];
    const run = async (): Promise<void> => {
      for await (const event of renderAnimation({
        settings: settingsWith({}),
        init: gradient(),
        generate,
        signal: abort.signal,
      })) {
        if (event.type !== 'frame:done') continue;
        seen.push(event.frame);
        if (event.frame === 1) abort.abort(new Error('stopped by the user'));
      }
    };
    await expect(run()).rejects.toThrow('stopped by the user');
    expect(seen).toEqual([0, 1]);
    // Frame 1 is handed out once frame 2's generation is under way (issue 6); that generation is stopped with it.
    expect(requests.map((r) => r.frame)).toEqual([0, 1, 2]);
    expect(requests[2]?.signal?.aborted).toBe(true);
    expect(requests[0]?.signal).toBe(abort.signal);
  });

  it('predicts depth for each 3D warp with use_depth_warping, and never in 2D', async () => {
    const calls: number[] = [];
    const depthModel: DepthModel = {
      usesAdabins: false,
      predict: (image) => {
        calls.push(image.width);
        const data = new Float32Array(image.width * image.height).fill(2);
        return Promise.resolve({
          depth: { width: image.width, height: image.height, data },
          midasRaw: { data, shape: [1, image.height, image.width] },
          adabinsRaw: null,
        });
      },
    };
    const run = (mode: '2D' | '3D') =>
      collect({
        settings: settingsWith({ animation_mode: mode, max_frames: 3, use_depth_warping: true }),
        init: gradient(),
        generate: recordingGenerator().generate,
        depthModel,
      });
    await run('2D');
    expect(calls).toEqual([]);
    await run('3D');
    expect(calls).toEqual([SIZE, SIZE]);
  });

  it('after the last generation, hands out each in-between before making the next', async () => {
    // Frames 6…8 come after the last generation (frame 6's): nothing is left to overlap with, so the consumer gets
    // each one at once and saves it while the loop makes the next (issue 6). Each of them predicts depth once.
    let predictions = 0;
    const depthModel: DepthModel = {
      usesAdabins: false,
      predict: (image) => {
        predictions++;
        const data = new Float32Array(image.width * image.height).fill(2);
        return Promise.resolve({
          depth: { width: image.width, height: image.height, data },
          midasRaw: { data, shape: [1, image.height, image.width] },
          adabinsRaw: null,
        });
      },
    };
    const settings = settingsWith({
      animation_mode: '3D',
      max_frames: 9,
      diffusion_cadence: '3',
      use_depth_warping: true,
    });
    const seenAt: number[] = [];
    const frames: number[] = [];
    for await (const event of renderAnimation({
      settings,
      init: gradient(),
      generate: recordingGenerator().generate,
      depthModel,
    })) {
      if (event.type !== 'frame:done') continue;
      frames.push(event.frame);
      seenAt[event.frame] = predictions;
    }
    expect(frames).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Held back until the end instead, all three would read the final count.
    expect(seenAt.slice(6)).toEqual([predictions - 2, predictions - 1, predictions]);
  });

  it.each([
    ['color_force_grayscale', { bit_depth_output: 16, color_force_grayscale: true }],
    ['color_force_grayscale', { bit_depth_output: 32, color_force_grayscale: true }],
    ['save_depth_maps', { save_depth_maps: true }],
    ['hybrid_comp_mask_type', { hybrid_composite: true, hybrid_comp_mask_type: 'Depth', save_depth_maps: false }],
    ['animation_mode', { animation_mode: 'Video Input' }],
  ])('refuses %s that it cannot render yet, before any generation', async (setting, overrides) => {
    const { generate, requests } = recordingGenerator();
    const error = await collect({ settings: settingsWith(overrides), init: gradient(), generate }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'setting_unsupported', setting });
    expect(requests).toEqual([]);
  });
});

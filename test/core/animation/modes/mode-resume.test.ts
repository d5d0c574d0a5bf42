/**
 * Resume of the renderers whose frames do not feed each other (Video Input, Interpolation, stills): stopped after
 * k frames (or images) and resumed from the checkpoint of the last one, through its bytes as the CLI stores it,
 * they yield exactly the images of a run that never stopped. The generator depends on seed, sampler and prompt.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../../../src/core/animation/checkpoint.js';
import type { FrameGenerator } from '../../../../src/core/animation/frame-generator.js';
import { renderDeforum } from '../../../../src/core/animation/render-deforum.js';
import { latent } from '../../../../src/core/diffusion/tensor.js';
import { DeforumError } from '../../../../src/core/errors.js';
import type { DeforumSettings } from '../../../../src/core/settings/schema.js';
import { flatVideo, settingsWith } from './mode-test-support.js';

const seeded: FrameGenerator = (request) => {
  const size = 3 * request.width * request.height;
  const phase = (request.seed % 1009) * 0.37 + request.sampler.length + request.prompt.length * 0.1;
  const out = new Float32Array(size);
  const base = request.init?.sample.data;
  for (let i = 0; i < size; i++) out[i] = Math.max(-1, Math.min(1, 0.5 * (base?.[i] ?? 0) + 0.5 * Math.sin(phase + i)));
  return Promise.resolve({ sample: latent([1, 3, request.height, request.width], out) });
};

interface Run {
  images: Map<string, Uint8Array>;
  checkpoints: Checkpoint[];
}

async function run(settings: DeforumSettings, stopAfter = Infinity, resumeFrom?: Checkpoint): Promise<Run> {
  const abort = new AbortController();
  const result: Run = { images: new Map(), checkpoints: [] };
  try {
    const events = renderDeforum({
      settings,
      generate: seeded,
      timestring: '20240101000000',
      inits: [],
      mask: null,
      video: flatVideo(6),
      maskVideo: null,
      signal: abort.signal,
      ...(resumeFrom !== undefined && { resumeFrom }),
    });
    for await (const event of events) {
      if (event.type !== 'frame:done' && event.type !== 'image:file') continue;
      const name = event.type === 'frame:done' ? `frame ${event.frame}` : event.file;
      result.images.set(name, Uint8Array.from(event.image.data));
      if (event.checkpoint !== undefined) result.checkpoints.push(event.checkpoint);
      if (result.checkpoints.length >= stopAfter) abort.abort();
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  }
  return result;
}

const MODES: [string, Record<string, unknown>][] = [
  [
    'Video Input',
    {
      animation_mode: 'Video Input',
      seed_behavior: 'ladder',
      enable_schedule_samplers: true,
      sampler_schedule: "0:('euler'), 2:('heun'), 4:('dpm2')",
    },
  ],
  ['Interpolation', { animation_mode: 'Interpolation', interpolate_x_frames: 2 }],
  ['None', { animation_mode: 'None', n_batch: 2, n_samples: 2, seed_behavior: 'iter', prompts: { 0: 'a', 1: 'bb' } }],
  [
    'None',
    { animation_mode: 'None', n_batch: 2, make_grid: true, seed_behavior: 'alternate', prompts: { 0: 'a', 1: 'bb' } },
  ],
];

describe('resume of Video Input, Interpolation and stills', () => {
  it.each(MODES)('%s: an abort at k and a resume give the uninterrupted images', async (_mode, overrides) => {
    const settings = settingsWith(overrides);
    const whole = await run(settings);
    expect(whole.checkpoints.length).toBeGreaterThanOrEqual(2);
    for (const k of new Set([1, 2, whole.checkpoints.length - 1].filter((n) => n < whole.checkpoints.length))) {
      const stopped = await run(settings, k);
      const checkpoint = stopped.checkpoints[k - 1];
      if (checkpoint === undefined) throw new Error(`no checkpoint ${k}`);
      const resumed = await run(settings, Infinity, decodeCheckpoint(encodeCheckpoint(checkpoint)));
      const combined = new Map([...stopped.images, ...resumed.images]);
      expect([...combined.keys()].sort()).toEqual([...whole.images.keys()].sort());
      for (const [name, bytes] of whole.images) {
        expect(Buffer.from(combined.get(name) ?? []).equals(Buffer.from(bytes)), `${name} after k=${k}`).toBe(true);
      }
      // Nothing before the checkpoint is made again, except a grid's prompt (its checkpoint is the grid's).
      for (const name of resumed.images.keys()) expect(stopped.images.has(name) && !name.includes('grid')).toBe(false);
    }
  });

  it('refuses a resume with other frame-shaping settings', async () => {
    const settings = settingsWith(MODES[0]?.[1] ?? {});
    const [checkpoint] = (await run(settings, 1)).checkpoints;
    if (checkpoint === undefined) throw new Error('no checkpoint');
    const error = await run({ ...settings, strength: 0.3 }, Infinity, checkpoint).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'resume_settings_changed' });
  });

  it('Interpolation checkpoints keep the one seed', async () => {
    const { checkpoints } = await run(settingsWith(MODES[1]?.[1] ?? {}));
    expect(new Set(checkpoints.map((c) => c.seed.seed))).toEqual(new Set([10]));
    expect(checkpoints.map((c) => c.framesDone)).toEqual(checkpoints.map((_, i) => i + 1));
  });
});

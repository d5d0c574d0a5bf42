/**
 * Resume that loses nothing (issue 6 point 6): a render stopped after k frames and resumed from the checkpoint of
 * frame k − 1 (through its bytes, as the CLI stores it) writes exactly the frames of a render that never stopped.
 * The generator is deterministic and depends on seed, sampler and strength, so a wrong seed state, sticky sampler
 * or plan position shows in the pixels.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../../src/core/animation/checkpoint.js';
import type { FrameGenerator, GenerateRequest } from '../../../src/core/animation/frame-generator.js';
import { renderAnimation, type RenderInput } from '../../../src/core/animation/render-loop.js';
import { checkpointFromSavedFrame, frameToResumeFrom } from '../../../src/core/animation/resume-from-frames.js';
import type { DepthModel } from '../../../src/core/diffusion/models/depth.js';
import { latent } from '../../../src/core/diffusion/tensor.js';
import { DeforumError } from '../../../src/core/errors.js';
import { createRawImage, type RawImage } from '../../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';
import type { DeforumSettings } from '../../../src/core/settings/schema.js';

const SIZE = 64;
const FRAMES = 8;

function settingsWith(overrides: Record<string, unknown>): DeforumSettings {
  return parseSettingsOrThrow(
    {
      animation_mode: '2D',
      W: SIZE,
      H: SIZE,
      seed: 1234,
      max_frames: FRAMES,
      color_coherence: 'Match Frame 0 LAB',
      noise_schedule: '0:(0.03)',
      strength_schedule: '0:(0.6), 7:(0.4)',
      zoom: '0:(1.04)',
      angle: '0:(2)',
      translation_z: '0:(3)',
      rotation_3d_y: '0:(1.5)',
      enable_schedule_samplers: true,
      sampler_schedule: "0:('euler'), 4:('heun'), 6:('dpm2')",
      seed_behavior: 'ladder',
      prompts: { 0: 'a lake', 5: 'a forest' },
      ...overrides,
    },
    'test settings',
  );
}

function gradient(): RawImage<'u8'> {
  const image = createRawImage('u8', SIZE, SIZE, 3);
  image.data.forEach((_, i) => (image.data[i] = (i * 7 + (i % 5) * 40) % 251));
  return image;
}

/** Diffusion stand-in: pulls the init toward a pattern that depends on seed, sampler and strength. */
const seededGenerator: FrameGenerator = (request: GenerateRequest) => {
  const size = 3 * request.width * request.height;
  const base = request.init?.sample.data ?? new Float32Array(size);
  const mix = request.init?.strength ?? 1;
  const phase = (request.seed % 1009) * 0.37 + request.sampler.length;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const value = (1 - mix * 0.5) * (base[i] ?? 0) + mix * 0.5 * Math.sin(phase + i * 0.013);
    out[i] = Math.max(-1, Math.min(1, value));
  }
  return Promise.resolve({ sample: latent([1, 3, request.height, request.width], out) });
};

/** Depth from the image itself, so a wrong image on resume would also move the 3D warp. */
const depthModel: DepthModel = {
  usesAdabins: false,
  predict: (image) => {
    const data = new Float32Array(image.width * image.height);
    for (let p = 0; p < data.length; p++) data[p] = 1 + (image.data[p * 3] ?? 0) / 255;
    return Promise.resolve({
      depth: { width: image.width, height: image.height, data },
      midasRaw: { data, shape: [1, image.height, image.width] },
      adabinsRaw: null,
    });
  },
};

interface Run {
  frames: Map<number, Uint8Array>;
  checkpoints: Map<number, Checkpoint>;
  /** `seed sampler` of every generation, in order. */
  generations: string[];
}

/** Runs the loop, stopping it through its signal once `stopAfter` frames are done. */
async function run(input: Omit<RenderInput, 'signal' | 'generate'>, stopAfter = Infinity): Promise<Run> {
  const abort = new AbortController();
  const result: Run = { frames: new Map(), checkpoints: new Map(), generations: [] };
  try {
    for await (const event of renderAnimation({ ...input, generate: seededGenerator, signal: abort.signal })) {
      if (event.type === 'frame:started') result.generations.push(`${event.seed} ${event.sampler}`);
      if (event.type !== 'frame:done') continue;
      result.frames.set(event.frame, Uint8Array.from(event.image.data));
      if (event.checkpoint !== undefined) result.checkpoints.set(event.frame, event.checkpoint);
      if (result.frames.size >= stopAfter) abort.abort();
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  }
  return result;
}

function expectSameFrames(actual: Map<number, Uint8Array>, expected: Map<number, Uint8Array>, from: number): void {
  expect([...actual.keys()]).toEqual(Array.from({ length: FRAMES - from }, (_, i) => from + i));
  for (const [frame, bytes] of actual) {
    expect(Buffer.from(bytes).equals(Buffer.from(expected.get(frame) ?? [])), `frame ${frame}`).toBe(true);
  }
}

describe('renderAnimation with resumeFrom', () => {
  it.each([
    ['2D, cadence 1', { diffusion_cadence: '1' }, [1, 4, 7]],
    // 3 ends a cadence block (the next step diffuses), 4 and 5 stop inside one, 7 leaves only the last frame.
    ['2D, cadence 3', { diffusion_cadence: '3' }, [3, 4, 5, 7]],
    ['3D with depth, cadence 1', { animation_mode: '3D', use_depth_warping: true }, [2, 5]],
    ['3D with depth, cadence 3', { animation_mode: '3D', use_depth_warping: true, diffusion_cadence: '3' }, [1, 4]],
  ])('%s: a render stopped and resumed writes the frames of an uninterrupted one', async (_case, mode, stops) => {
    const settings = settingsWith(mode);
    const input = { settings, init: gradient(), depthModel };
    const whole = await run(input);
    expect(whole.frames.size).toBe(FRAMES);
    for (const k of stops) {
      const stopped = await run(input, k);
      expect(stopped.frames.size).toBe(k);
      const checkpoint = stopped.checkpoints.get(k - 1);
      if (checkpoint === undefined) throw new Error(`no checkpoint after frame ${k - 1}`);
      expect(checkpoint.framesDone).toBe(k);
      const resumeFrom = decodeCheckpoint(encodeCheckpoint(checkpoint));
      const resumed = await run({ ...input, init: null, resumeFrom });
      expectSameFrames(resumed.frames, whole.frames, k);
      expect([...stopped.generations, ...resumed.generations]).toEqual(whole.generations);
    }
  });

  it('resuming after the last frame writes nothing more and reports the full count', async () => {
    const input = { settings: settingsWith({ diffusion_cadence: '3' }), init: gradient() };
    const whole = await run(input);
    const last = whole.checkpoints.get(FRAMES - 1);
    if (last === undefined) throw new Error('no final checkpoint');
    const events = [];
    for await (const event of renderAnimation({ ...input, generate: seededGenerator, resumeFrom: last })) {
      events.push(event);
    }
    expect(events).toEqual([{ type: 'done', frameCount: FRAMES }]);
  });

  it('refuses settings that would change the remaining frames, naming each change', async () => {
    const settings = settingsWith({});
    const stopped = await run({ settings, init: gradient() }, 2);
    const resumeFrom = stopped.checkpoints.get(1);
    if (resumeFrom === undefined) throw new Error('no checkpoint');
    const changed = { ...settings, zoom: '0:(1.1)', seed: 99 };
    const error = await run({ settings: changed, init: null, resumeFrom }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toEqual({
      code: 'resume_settings_changed',
      changes: [
        { setting: 'zoom', run: '"0:(1.04)"', now: '"0:(1.1)"' },
        { setting: 'seed', run: '1234', now: '99' },
      ],
    });
    expect((error as DeforumError).message).toMatch(/zoom: "0:\(1.1\)" \(the run had "0:\(1.04\)"\)/);
  });

  it('accepts a change that cannot alter a frame (the video settings, the resume switches)', async () => {
    const settings = settingsWith({});
    const whole = await run({ settings, init: gradient() });
    const resumeFrom = whole.checkpoints.get(2);
    if (resumeFrom === undefined) throw new Error('no checkpoint');
    const videoOnly = { ...settings, ffmpeg_fps: 24, create_gif: true, resume_from_timestring: true };
    const resumed = await run({ settings: videoOnly, init: null, resumeFrom });
    expectSameFrames(resumed.frames, whole.frames, 3);
  });
});

describe('resume from saved frames (resume_from_timestring without a checkpoint)', () => {
  it.each([
    // [frames on disk, cadence, the frame loaded (the first one written again with cadence)]
    [5, 1, 4],
    [5, 3, 3],
    [3, 3, 0],
    [0, 3, null],
  ])('%i frames on disk with cadence %i: loads frame %s', (onDisk, cadence, loaded) => {
    expect(frameToResumeFrom(onDisk, cadence)).toBe(loaded);
  });

  it.each([
    ['cadence 1', '1', 5],
    ['cadence 3', '3', 3],
  ])('%s: continues with the seed and sampler an uninterrupted run has there', async (_case, cadence, from) => {
    const settings = settingsWith({ diffusion_cadence: cadence });
    const whole = await run({ settings, init: gradient() });
    const frame = frameToResumeFrom(5, Number(cadence)) ?? -1;
    const saved = createRawImage('u8', SIZE, SIZE, 3);
    saved.data.set(whole.frames.get(frame) ?? []);
    const resumeFrom = await checkpointFromSavedFrame(settings, frame, saved);
    const requests: GenerateRequest[] = [];
    const recording: FrameGenerator = (request) => {
      requests.push(request);
      return seededGenerator(request);
    };
    const written: number[] = [];
    for await (const event of renderAnimation({ settings, init: null, generate: recording, resumeFrom })) {
      if (event.type === 'frame:done') written.push(event.frame);
    }
    expect(written[0]).toBe(from);
    expect(written.at(-1)).toBe(FRAMES - 1);
    const generations = requests.map((r) => `${r.seed} ${r.sampler}`);
    expect(generations.length).toBeGreaterThan(0);
    expect(generations).toEqual(whole.generations.slice(-generations.length));
  });
});

/**
 * Golden parity for render_loop.json: the notebook's render_animation run with an identity diffusion stub (the
 * README's "render_loop.json + render_loop/"). Our loop runs with the same stand-in (identityGenerator: the init
 * sample back, or the first input image without an init), noise 0 as in the cases, and the recorded depth.npy as
 * the depth model's answer in 3D.
 * Tolerance (README): generate calls exact; images per frame mean |Δ| ≤ 1.0 and 99th percentile ≤ 4 in 2D, frame 0
 * exact; the README asks 3D to be tighter, so 3D takes mean ≤ 0.5 and 99th percentile ≤ 2 (measured: 2D is
 * bit-exact, 3D at most mean 0.04, p99 2, from the bicubic 3D warp).
 * The frames the original never writes (cadence, item 22) are set aside by the rule of the cadence golden test;
 * ours are checked for count: every run writes exactly max_frames frames.
 */
import { describe, expect, it } from 'vitest';
import { identityGenerator } from '../../src/core/animation/identity-generator.js';
import type { FrameGenerator, GenerateRequest } from '../../src/core/animation/frame-generator.js';
import type { FrameDoneEvent, FrameStartedEvent, RenderEvent } from '../../src/core/animation/render-events.js';
import { renderAnimation } from '../../src/core/animation/render-loop.js';
import type { DepthModel } from '../../src/core/diffusion/models/depth.js';
import { decodeImage } from '../../src/core/image/codec.js';
import { sampleToPixels } from '../../src/core/image/frame-noise.js';
import type { RawImage } from '../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../src/core/settings/parse-settings.js';
import { droppedByOriginal } from '../support/cadence-set-aside.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { readNpy } from '../support/npy.js';

interface GoldenCall {
  frame: number;
  seed: number;
  seed_internal: number;
  strength: number;
  use_init: boolean;
  sampler: string;
  cond_prompt: string;
  uncond_prompt: string;
  has_init_sample: boolean;
}

interface RenderLoopCase {
  id: string;
  mode: '2D' | '3D';
  cadence: number;
  max_frames: number;
  W: number;
  H: number;
  anim_overrides: Record<string, unknown>;
  args_overrides: Record<string, unknown>;
  first_frame_input: string;
  depth: string | null;
  generate_calls: GoldenCall[];
  frames: { frame: number; file: string }[];
  init_images: { call: number; noise: number; file: string }[];
}

const golden = readGoldenJson<{ cases: RenderLoopCase[] }>('render_loop.json');

interface Tolerance {
  mean: number;
  p99: number;
}
const TOLERANCE: Record<RenderLoopCase['mode'], Tolerance> = { '2D': { mean: 1, p99: 4 }, '3D': { mean: 0.5, p99: 2 } };

interface Diff {
  max: number;
  mean: number;
  p99: number;
}

function diff(ours: RawImage<'u8'>, theirs: RawImage<'u8'>): Diff {
  expect([ours.width, ours.height, ours.channels]).toEqual([theirs.width, theirs.height, theirs.channels]);
  const deltas = Array.from(ours.data, (v, i) => Math.abs(v - (theirs.data[i] ?? 0))).sort((a, b) => a - b);
  const sum = deltas.reduce((a, b) => a + b, 0);
  return {
    max: deltas.at(-1) ?? 0,
    mean: sum / deltas.length,
    p99: deltas[Math.min(deltas.length - 1, Math.floor(deltas.length * 0.99))] ?? 0,
  };
}

const describeDiff = (label: string, d: Diff): string =>
  `${label}: max ${d.max}, mean ${d.mean.toFixed(3)}, p99 ${d.p99}`;

function fixedDepth(file: string): DepthModel {
  const npy = readNpy(goldenPath(file));
  if (npy.dtype !== 'float32') throw new Error(`${file} is ${npy.dtype}, expected float32`);
  const [height = 0, width = 0] = npy.shape;
  return {
    usesAdabins: false,
    predict: () =>
      Promise.resolve({
        depth: { width, height, data: npy.data },
        midasRaw: { data: npy.data, shape: npy.shape },
        adabinsRaw: null,
      }),
  };
}

async function run(c: RenderLoopCase): Promise<{ requests: GenerateRequest[]; events: RenderEvent[] }> {
  const settings = parseSettingsOrThrow(
    {
      ...c.anim_overrides,
      ...c.args_overrides,
      animation_mode: c.mode,
      max_frames: c.max_frames,
      W: c.W,
      H: c.H,
      diffusion_cadence: String(c.cadence),
    },
    c.id,
  );
  const stub = identityGenerator(await decodeImage(goldenPath(c.first_frame_input)));
  const requests: GenerateRequest[] = [];
  const generate: FrameGenerator = (request) => {
    requests.push(request);
    return stub(request);
  };
  const events: RenderEvent[] = [];
  const depthModel = c.depth === null ? null : fixedDepth(c.depth);
  for await (const event of renderAnimation({ settings, init: null, generate, depthModel })) events.push(event);
  return { requests, events };
}

describe('golden render_loop.json', () => {
  it.each(golden.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const { requests, events } = await run(c);
    const started = events.filter((e): e is FrameStartedEvent => e.type === 'frame:started');
    const done = events.filter((e): e is FrameDoneEvent => e.type === 'frame:done');

    // generate() calls, exactly.
    expect(requests).toHaveLength(c.generate_calls.length);
    c.generate_calls.forEach((call, i) => {
      const request = requests[i];
      const event = started[i];
      const where = `${c.id} generate call ${i} (frame ${call.frame})`;
      expect(request?.frame, where).toBe(call.frame);
      expect(request?.seed, where).toBe(call.seed);
      expect(event?.seedInternal, where).toBe(call.seed_internal);
      expect(request?.sampler, where).toBe(call.sampler);
      expect(request?.prompt, where).toBe(call.cond_prompt);
      expect(request?.negativePrompt, where).toBe(call.uncond_prompt);
      expect(request?.init !== undefined, where).toBe(call.has_init_sample);
      // Without an init the original forces strength 0 (strength_0_no_init); the recorded value is then unused.
      if (call.use_init) expect(request?.init?.strength, where).toBe(call.strength);
      else expect(request?.init, where).toBeUndefined();
    });

    const tolerance = TOLERANCE[c.mode];
    const report: string[] = [];
    const failures: string[] = [];
    const check = (label: string, ours: RawImage<'u8'>, theirs: RawImage<'u8'>, exact: boolean): void => {
      const d = diff(ours, theirs);
      const line = describeDiff(label, d);
      report.push(line);
      if (exact ? d.max > 0 : d.mean > tolerance.mean || d.p99 > tolerance.p99) failures.push(line);
    };

    // The init images, generations 1, 2, … (frame 0 has none here). The recorded PNGs are the init sample as the
    // stub saw it in pixels (sample_to_cv2): with noise 0 that is the unsharp output through float16, which drops
    // some values by one level (1 → 0, 7 → 6). Compared before that step, 2D differs on ~40 % of pixels by
    // exactly 1, and after it not at all, so the test reads the same place: the request's init sample.
    const inits = requests.flatMap((r) => (r.init === undefined ? [] : [sampleToPixels(r.init.sample)]));
    expect(inits).toHaveLength(c.init_images.length);
    for (const { call, file } of c.init_images) {
      const ours = inits[call];
      if (ours === undefined) throw new Error(`${c.id}: no init for add_noise call ${call}`);
      check(`init ${call}`, ours, await decodeImage(goldenPath(file)), false);
    }

    // Every frame the original writes; the ones it drops are set aside and only counted.
    const dropped = droppedByOriginal(c.max_frames, c.cadence);
    expect(c.frames.map((f) => f.frame)).toEqual(
      Array.from({ length: c.max_frames - dropped.length }, (_, frame) => frame),
    );
    expect(done.map((e) => e.frame)).toEqual(Array.from({ length: c.max_frames }, (_, frame) => frame));
    for (const { frame, file } of c.frames) {
      const ours = done[frame]?.image;
      if (ours === undefined) throw new Error(`${c.id}: frame ${frame} was not written`);
      check(`frame ${frame}`, ours, await decodeImage(goldenPath(file)), frame === 0);
    }
    console.log(`render_loop ${c.id} (${dropped.length} frames set aside):\n  ${report.join('\n  ')}`);
    expect(failures, `${c.id} outside tolerance ${JSON.stringify(tolerance)}:\n${report.join('\n')}`).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'done', frameCount: c.max_frames });
  });
});

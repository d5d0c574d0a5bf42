/**
 * The render loop around the models (issue 6, "Speed"): 512², 25 steps, strength 0.65, 2D and 3D, cadence 1 and
 * 4, 12 frames, through the real loop (renderAnimation) and the real diffusion generator whose UNet and VAE are the
 * timing stand-ins (10.5 ms per UNet call, on a timer, no CPU: models/timing-stand-in.ts); the text encoder is the
 * tiny ONNX one. 3D warps a flat scene (no depth model), so depth inference is not in these figures.
 * Baseline: the loop alone, its events dropped. Candidate: the CLI's writeRender, which saves every PNG and feeds
 * the MP4 encoder while rendering (the MP4 is finished inside the measured time). The MP4 stream is opened before
 * the measured time, as the CLI opens it before the models load (render.ts): FFMPEG_START_MS stands for that load,
 * which ffmpeg's fork and start-up overlap.
 * Figures, medians of REPEATS runs (other processes on a shared machine only ever add time):
 * - UNet calls against the minimum the settings require (steps for frame 0's text-to-image, then
 *   trunc((1 − strength) · steps) per img2img frame, one batched CFG call per Euler step);
 * - critical_path_ms: in the baseline, the time between one diffused frame's VAE decode and the next frame's
 *   first model call (warp, colour coherence, unsharp, noise, tensor conversion, the in-betweens of cadence);
 *   first_gap_ms and later_gaps_ms split it (medians over the runs): at cadence 4 a run has only two gaps, and the
 *   first, after the long text-to-image generation, is often the slower;
 * - model_wait_ms_per_frame: in the baseline, how long the model calls of each generation (its first call to its
 *   VAE decode) waited for the JS thread beyond their nominal cost, over the frames: CPU work run while a
 *   generation is under way (the loop hands out in-betweens there) that outlasted a model call, which
 *   critical_path_ms does not count (on a loaded machine, late timers add to it too);
 * - off_path_fraction: the candidate's wall time less model time (calls × stand-in cost) and less the baseline's
 *   whole non-model time, over its wall time: what saving and encoding add to the render;
 * - major_gcs_per_run, major_gc_ms_per_run: the baseline's full (mark-compact) collections, which stop the JS thread
 *   for 3–25 ms each wherever they land, the critical path included (PerformanceObserver 'gc' entries).
 * The figures depend on how many threads compete for the cores: `v8_pool_size` in the JSON is the V8 platform pool
 * the process runs with (Node's `--v8-pool-size`, 4 unless set, whatever the machine), where V8 runs its concurrent
 * garbage collection; on 2 cores `NODE_OPTIONS=--v8-pool-size=1` shortens the critical path (README "Rendering").
 * Last line: one JSON object.
 */
import { generatorOptionsFor } from '../src/core/animation/render-generator-options.js';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { planRender } from '../src/core/animation/render-plan.js';
import { renderAnimation } from '../src/core/animation/render-loop.js';
import { checkRenderable } from '../src/core/animation/render-support.js';
import { createTimingStandIn, H100_SD15_COSTS } from '../src/core/diffusion/models/timing-stand-in.js';
import type { UNet } from '../src/core/diffusion/models/unet.js';
import type { VaeDecoder, VaeEncoder } from '../src/core/diffusion/models/vae.js';
import { img2imgStepCount } from '../src/core/diffusion/noise-schedule.js';
import { createSessionHost } from '../src/core/diffusion/onnx/session.js';
import { loadComponents, type Components } from '../src/core/diffusion/pipeline/components.js';
import { createDiffusionGenerator } from '../src/core/diffusion/pipeline/diffusion-generator.js';
import { DEFAULT_SETTINGS } from '../src/core/settings/defaults.js';
import { deforumSettingsSchema, type DeforumSettings } from '../src/core/settings/schema.js';
import { openMp4Stream } from '../src/core/video/stream-encoder.js';
import { writeRender } from '../src/cli/write-render.js';
import { writeTinyExport } from '../test/support/tiny-onnx.js';

const FRAMES = 12;
const STEPS = 25;
const STRENGTH = 0.65;
const REPEATS = 3;
const FPS = 12;
/** Model loading, which ffmpeg's start-up (≈ 70 ms of CPU) overlaps in the CLI; ample on a loaded machine. */
const FFMPEG_START_MS = 500;
/** Node's default platform pool, whatever the cores (`--v8-pool-size`). */
const NODE_DEFAULT_V8_POOL_SIZE = 4;

type ModelKind = 'unet' | 'vaeEncode' | 'vaeDecode';
interface ModelCall {
  kind: ModelKind;
  startMs: number;
  endMs: number;
}

const majorGcs: PerformanceEntry[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { detail } = entry as { detail?: { kind?: number } };
    if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcs.push(entry);
  }
}).observe({ entryTypes: ['gc'] });

const root = mkdtempSync(path.join(tmpdir(), 'deforum-render-bench-'));
const host = createSessionHost();
const tiny = await loadComponents(writeTinyExport(path.join(root, 'tiny')), host);

/** The stand-ins, each call's interval recorded, over the tiny export's tokenizer, text encoder and scheduler. */
function timedComponents(calls: ModelCall[]): Components {
  const standIn = createTimingStandIn();
  const timed = async <T>(kind: ModelKind, call: () => Promise<T>): Promise<T> => {
    const startMs = performance.now();
    const result = await call();
    calls.push({ kind, startMs, endMs: performance.now() });
    return result;
  };
  const unet: UNet = { ...standIn.unet, predict: (...args) => timed('unet', () => standIn.unet.predict(...args)) };
  const vaeEncoder: VaeEncoder = { encode: (...args) => timed('vaeEncode', () => standIn.vaeEncoder.encode(...args)) };
  const vaeDecoder: VaeDecoder = { decode: (...args) => timed('vaeDecode', () => standIn.vaeDecoder.decode(...args)) };
  return { ...tiny, unet, vaeEncoder, vaeDecoder };
}

function settingsFor(mode: '2D' | '3D', cadence: number): DeforumSettings {
  return deforumSettingsSchema.parse({
    ...DEFAULT_SETTINGS,
    animation_mode: mode,
    max_frames: FRAMES,
    W: 512,
    H: 512,
    seed: 42,
    sampler: 'euler',
    steps: STEPS,
    strength_schedule: `0:(${STRENGTH})`,
    diffusion_cadence: String(cadence),
  });
}

function minimumUnetCalls(settings: DeforumSettings): number {
  return planRender(checkRenderable(settings))
    .steps.filter((step) => step.kind === 'diffuse')
    .reduce((sum, step) => sum + (step.initFrom === null ? STEPS : img2imgStepCount(STRENGTH, STEPS)), 0);
}

const COST_MS: Record<ModelKind, number> = {
  unet: H100_SD15_COSTS.unetCallMs,
  vaeEncode: H100_SD15_COSTS.vaeEncodeMs,
  vaeDecode: H100_SD15_COSTS.vaeDecodeMs,
};

function modelMs(calls: readonly ModelCall[]): number {
  return calls.reduce((sum, call) => sum + COST_MS[call.kind], 0);
}

/** Gaps from each VAE decode to the next model call: the CPU work between two diffused frames. */
function betweenFrameGapsMs(calls: readonly ModelCall[]): number[] {
  const gaps: number[] = [];
  calls.forEach((call, i) => {
    const next = calls[i + 1];
    if (call.kind === 'vaeDecode' && next !== undefined) gaps.push(next.startMs - call.endMs);
  });
  return gaps;
}

/**
 * Over every generation (its first model call to its VAE decode): the span less the stand-ins' nominal cost, the
 * time its model calls waited for the JS thread. A call's promise settles late when CPU work holds the thread as
 * its timer ends, so this counts both gaps between calls and overrun inside them.
 */
function inGenerationWaitMs(calls: readonly ModelCall[]): number {
  let waitMs = 0;
  let first: ModelCall | undefined;
  let nominalMs = 0;
  for (const call of calls) {
    first ??= call;
    nominalMs += COST_MS[call.kind];
    if (call.kind !== 'vaeDecode') continue;
    waitMs += call.endMs - first.startMs - nominalMs;
    first = undefined;
    nominalMs = 0;
  }
  return waitMs;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

interface RunFigures {
  wallMs: number;
  modelMs: number;
  unetCalls: number;
  gapsMs: number[];
  inGenerationWaitMs: number;
  majorGcs: number;
  majorGcMs: number;
}

async function run(settings: DeforumSettings, withOutput: boolean, label: string): Promise<RunFigures> {
  const calls: ModelCall[] = [];
  const generate = createDiffusionGenerator(timedComponents(calls), generatorOptionsFor(settings, {}));
  const start = (signal?: AbortSignal) =>
    renderAnimation({ settings, init: null, generate, depthModel: null, ...(signal && { signal }) });
  const out = mkdtempSync(path.join(root, `${label}-`));
  const timestring = '20240101120000';
  const output = path.join(out, `${timestring}.mp4`);
  const stream = withOutput ? await openMp4Stream({ output, width: settings.W, height: settings.H, fps: FPS }) : null;
  if (stream !== null) await sleep(FFMPEG_START_MS);
  const startedMs = performance.now();
  if (stream !== null) {
    await writeRender(start, {
      out,
      timestring,
      frameCount: FRAMES,
      label,
      video: { stream, frames: FRAMES },
    });
    if (statSync(output).size === 0) throw new Error(`${label}: the MP4 is empty`);
  } else {
    for await (const event of start()) void event;
  }
  const endedMs = performance.now();
  const wallMs = endedMs - startedMs;
  // GC entries arrive in a later task.
  await new Promise((resolve) => setImmediate(resolve));
  const gcs = majorGcs.splice(0).filter((entry) => entry.startTime >= startedMs && entry.startTime <= endedMs);
  rmSync(out, { recursive: true, force: true });
  return {
    wallMs,
    modelMs: modelMs(calls),
    unetCalls: calls.filter((call) => call.kind === 'unet').length,
    gapsMs: betweenFrameGapsMs(calls),
    inGenerationWaitMs: inGenerationWaitMs(calls),
    majorGcs: gcs.length,
    majorGcMs: gcs.reduce((sum, entry) => sum + entry.duration, 0),
  };
}

const configs = [
  { mode: '2D', cadence: 1 },
  { mode: '2D', cadence: 4 },
  { mode: '3D', cadence: 1 },
  { mode: '3D', cadence: 4 },
] as const;

// Warm-up: module loading, first-call compilation (each mode's kernels, the 3D warp's WebAssembly ones included)
// and sharp's thread pool stay out of the figures.
for (const mode of ['2D', '3D'] as const) await run(settingsFor(mode, 4), true, 'warmup');

const results: Record<string, Record<string, number>> = {};
for (const { mode, cadence } of configs) {
  const settings = settingsFor(mode, cadence);
  const label = `${mode}-cadence-${cadence}`;
  const bare: RunFigures[] = [];
  const full: RunFigures[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    bare.push(await run(settings, false, label));
    full.push(await run(settings, true, label));
  }
  const minimum = minimumUnetCalls(settings);
  const criticalPathMs = median(bare.map((figures) => median(figures.gapsMs)));
  const bareNonModelMs = median(bare.map((figures) => figures.wallMs - figures.modelMs));
  const offPath = full.map((figures) => (figures.wallMs - figures.modelMs - bareNonModelMs) / figures.wallMs);
  const figures = {
    unet_calls: full[0]?.unetCalls ?? 0,
    unet_calls_minimum: minimum,
    model_ms: full[0]?.modelMs ?? 0,
    bare_wall_ms: median(bare.map((f) => f.wallMs)),
    full_wall_ms: median(full.map((f) => f.wallMs)),
    critical_path_ms: criticalPathMs,
    first_gap_ms: median(bare.map((f) => f.gapsMs[0] ?? NaN)),
    later_gaps_ms: median(bare.flatMap((f) => f.gapsMs.slice(1))),
    model_wait_ms_per_frame: median(bare.map((f) => f.inGenerationWaitMs)) / FRAMES,
    bare_non_model_ms_per_frame: bareNonModelMs / FRAMES,
    off_path_fraction: median(offPath),
    major_gcs_per_run: median(bare.map((f) => f.majorGcs)),
    major_gc_ms_per_run: median(bare.map((f) => f.majorGcMs)),
  };
  results[label] = figures;
  console.log(
    `${label.padEnd(14)} UNet ${figures.unet_calls}/${minimum} min, wall ${figures.bare_wall_ms.toFixed(0)} ms bare / ` +
      `${figures.full_wall_ms.toFixed(0)} ms with PNG+MP4 (model ${figures.model_ms.toFixed(0)} ms), ` +
      `critical path ${criticalPathMs.toFixed(1)} ms/frame (first gap ${figures.first_gap_ms.toFixed(1)}, later ` +
      `${figures.later_gaps_ms.toFixed(1)}), model wait ${figures.model_wait_ms_per_frame.toFixed(1)} ms/frame, off-path ${(100 * figures.off_path_fraction).toFixed(1)}%, ` +
      `${figures.major_gcs_per_run} full GCs a run (${figures.major_gc_ms_per_run.toFixed(0)} ms)`,
  );
}

await tiny.release();
await host.close();
rmSync(root, { recursive: true, force: true });
const all = Object.values(results);
const poolFlag = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)]
  .map((arg) => /^--v8-pool-size=(\d+)$/.exec(arg)?.[1])
  .findLast((size) => size !== undefined);
console.log(
  JSON.stringify({
    bench: 'render',
    frames: FRAMES,
    steps: STEPS,
    strength: STRENGTH,
    repeats: REPEATS,
    v8_pool_size: poolFlag === undefined ? NODE_DEFAULT_V8_POOL_SIZE : Number(poolFlag),
    unet_calls_over_minimum: Math.max(...all.map((f) => (f['unet_calls'] ?? 0) / (f['unet_calls_minimum'] ?? 1))),
    critical_path_ms: Math.max(...all.map((f) => f['critical_path_ms'] ?? NaN)),
    off_path_fraction: Math.max(...all.map((f) => f['off_path_fraction'] ?? NaN)),
    per_config: results,
  }),
);

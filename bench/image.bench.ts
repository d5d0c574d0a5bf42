/**
 * The per-frame CPU chain of the 3D loop at 512×512 RGB, ours against the notebook's own calls in the same run
 * (issue 4, "Speed"): 3D warp with depth (bicubic, border: the notebook defaults), 'Match Frame 0 LAB' colour
 * match (our reference prepared once, as the loop keeps it; the notebook converts it on every frame), contrast +
 * unsharp mask (kernel 5, sigma 1, amount 0.2), and frame noise (sample conversion, torch-exact randn, add, half).
 * Median ms of each operation and of the whole chain.
 * The reference is bench/image_reference.py, run with Debian's /usr/bin/python3 (torch grid_sample with the py3d
 * camera maths, cv2 Lab + skimage match_histograms, cv2.GaussianBlur, torch.randn) on the same frame, depth and
 * reference, which this script writes to a temp folder; in each round it runs first, alone, so the two do not
 * compete for cores, and the rounds alternate (ROUNDS below). Without its packages the bench still runs and says
 * how to install them. For scale, the notebook's functions took 156 ms for this chain on this kind of machine
 * (3D warp 107, LAB match 31, unsharp with contrast 16, noise 3). Target: our chain ≤ 0.5× the reference.
 * Threads, reported both ways: `ours` uses the image threads as configured (DEFORUM_IMAGE_THREADS, default one
 * less than the cores, threads/row-pool.ts) and `oursSingleThread` runs everything on the calling thread; `python`
 * is torch with its default thread count and `pythonAllCores` torch with torch.set_num_threads(cores).
 * `chain_ratio_vs_python` is ours ÷ python (both as they come); the other ratios pair the rest.
 * Run: npx tsx bench/image.bench.ts [repeats] [rounds] — the last line is one JSON object.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { matchColorsTo, prepareColorTarget } from '../src/core/image/color-coherence.js';
import { applyContrast } from '../src/core/image/contrast.js';
import { frameNoiseRng, noisedSampleFromPixels } from '../src/core/image/frame-noise.js';
import { loadOpenCv } from '../src/core/image/opencv.js';
import { createRawImage, type RawImage } from '../src/core/image/raw-image.js';
import { unsharpMask, type UnsharpMaskParams } from '../src/core/image/unsharp-mask.js';
import { warp3d, type DepthMap, type Warp3dParams } from '../src/core/image/warp-3d.js';
import { configureImagePool, imagePoolReady, imagePoolSettings } from '../src/core/threads/row-pool.js';

const SIZE = 512;
const REPEATS = Number(process.argv[2] ?? 15);
/**
 * Python and ours take turns this many times and every figure is the median over the rounds: on a shared machine
 * the load drifts between one Python run and the next of ours, and a single pair gave chain ratios from 0.51 to
 * 0.79 within ten minutes (load average 6-9 on 2 cores).
 */
const ROUNDS = Number(process.argv[3] ?? 3);
const PYTHON = '/usr/bin/python3';
const APT_PACKAGES = 'python3-torch python3-opencv python3-skimage python3-numpy';
const NOTEBOOK_MS = { warp3d: 107, labMatch: 31, unsharpContrast: 16, noise: 3, chain: 156 };

const WARP: Warp3dParams = {
  translationX: 2,
  translationY: -1,
  translationZ: 10,
  rotation3dXDeg: 0.5,
  rotation3dYDeg: 1,
  rotation3dZDeg: 0.3,
  nearPlane: 200,
  farPlane: 10000,
  fovDeg: 40,
  paddingMode: 'border',
  samplingMode: 'bicubic',
};
const CONTRAST = 1;
const UNSHARP: UnsharpMaskParams = { kernel: 5, sigma: 1, amount: 0.2, threshold: 0 };
const NOISE = 0.02;
const SEED = 42;

/** Smooth colour fields with a little grain: a frame whose histograms and edges look like a render's. */
function frame(seed: number): RawImage<'u8'> {
  const img = createRawImage('u8', SIZE, SIZE, 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      const grain = (((i + seed) * 2654435761) >>> 28) - 8;
      const wave = 60 * Math.sin((x + seed * 13) / 37) * Math.cos(y / 53);
      img.data[i] = Math.max(0, Math.min(255, 110 + wave + x / 5 + grain + seed));
      img.data[i + 1] = Math.max(0, Math.min(255, 90 - wave / 2 + y / 4 + grain));
      img.data[i + 2] = Math.max(0, Math.min(255, 140 + wave / 3 - (x + y) / 8 + grain - seed));
    }
  }
  return img;
}

function depthMap(): DepthMap {
  const data = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) data[y * SIZE + x] = 1 + 4 * (x / SIZE) * (y / SIZE) + 0.3 * Math.sin(x / 29);
  }
  return { width: SIZE, height: SIZE, data };
}

async function medianMs(run: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

interface PythonFigures {
  warp3dMs: number;
  labMatchMs: number;
  unsharpContrastMs: number;
  noiseMs: number;
  chainMs: number;
  torchThreads: number;
  versions: Record<string, string>;
}

type PythonResult = { available: true; figures: PythonFigures } | { available: false; reason: string };

/** `torchThreads` undefined keeps torch's default thread count. */
function runPython(folder: string, torchThreads?: number): PythonResult {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'image_reference.py');
  const args = [script, folder, String(REPEATS), ...(torchThreads === undefined ? [] : [String(torchThreads)])];
  const run = spawnSync(PYTHON, args, { encoding: 'utf8' });
  if (run.error) return { available: false, reason: `${PYTHON} could not be started (${run.error.message})` };
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    return { available: false, reason: `the reference script failed: ${run.stderr.trim().split('\n').at(-1)}` };
  }
  const parsed = JSON.parse(last) as ({ available: true } & PythonFigures) | { available: false; missing: string[] };
  if (!parsed.available) return { available: false, reason: `missing Debian packages ${parsed.missing.join(', ')}` };
  return { available: true, figures: parsed };
}

/** Max |ours − theirs| and the fraction of samples that differ, for an output the reference also wrote. */
function parity(ours: ArrayLike<number>, file: string): { maxAbsDiff: number; differingFraction: number } {
  const theirs = readFileSync(file);
  let max = 0;
  let differing = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs((ours[i] as number) - (theirs[i] as number));
    if (d > max) max = d;
    if (d !== 0) differing++;
  }
  return { maxAbsDiff: max, differingFraction: +(differing / ours.length).toFixed(5) };
}

const image = frame(0);
const reference = frame(9);
const depth = depthMap();
const folder = mkdtempSync(path.join(tmpdir(), 'image-bench-'));
writeFileSync(path.join(folder, 'image.u8'), image.data);
writeFileSync(path.join(folder, 'reference.u8'), reference.data);
writeFileSync(path.join(folder, 'depth.f32'), new Uint8Array(depth.data.buffer));
writeFileSync(
  path.join(folder, 'params.json'),
  JSON.stringify({
    size: SIZE,
    tx: WARP.translationX,
    ty: WARP.translationY,
    tz: WARP.translationZ,
    rx: WARP.rotation3dXDeg,
    ry: WARP.rotation3dYDeg,
    rz: WARP.rotation3dZDeg,
    near: WARP.nearPlane,
    far: WARP.farPlane,
    fov: WARP.fovDeg,
    sampling_mode: WARP.samplingMode,
    padding_mode: WARP.paddingMode,
    contrast: CONTRAST,
    ...UNSHARP,
    noise: NOISE,
  }),
);
await loadOpenCv();
const target = await prepareColorTarget(reference, 'Match Frame 0 LAB');
const ops = {
  warp3d: () => warp3d(image, depth, WARP),
  labMatch: () => matchColorsTo(image, target),
  unsharpContrast: () => unsharpMask(applyContrast(image, CONTRAST), UNSHARP),
  noise: () => noisedSampleFromPixels(image, NOISE, frameNoiseRng(SEED)),
  chain: async () => {
    const matched = await matchColorsTo(warp3d(image, depth, WARP), target);
    const sharpened = await unsharpMask(applyContrast(matched, CONTRAST), UNSHARP);
    return noisedSampleFromPixels(sharpened, NOISE, frameNoiseRng(SEED));
  },
};
const median = (values: number[]): number => values.sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;
const CORES = availableParallelism();
const { threads, minPixels } = imagePoolSettings();
await imagePoolReady();
/** Both of ours in one process: the pool kept running, but every image below the cutoff when single-threaded. */
const variants = { ours: minPixels, oursSingleThread: Number.POSITIVE_INFINITY };
const pythonRounds: { default: PythonResult; allCores: PythonResult }[] = [];
const ourRounds: Record<keyof typeof variants, Record<string, number>>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  pythonRounds.push({ default: runPython(folder), allCores: runPython(folder, CORES) });
  const figures = { ours: {}, oursSingleThread: {} } as Record<keyof typeof variants, Record<string, number>>;
  for (const [variant, cutoff] of Object.entries(variants) as [keyof typeof variants, number][]) {
    configureImagePool({ minPixels: cutoff });
    for (const [name, run] of Object.entries(ops)) figures[variant][`${name}Ms`] = await medianMs(run);
  }
  configureImagePool({ minPixels });
  ourRounds.push(figures);
}
function medianOfRounds(variant: keyof typeof variants): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(ourRounds[0]?.[variant] ?? {})) {
    out[key] = +median(ourRounds.map((r) => r[variant][key] as number)).toFixed(2);
  }
  return out;
}
const ours = medianOfRounds('ours');
const oursSingleThread = medianOfRounds('oursSingleThread');
function pythonMedian(which: 'default' | 'allCores'): PythonResult {
  const runs = pythonRounds.flatMap((r) => (r[which].available ? [r[which].figures] : []));
  if (runs.length !== ROUNDS) {
    return pythonRounds.map((r) => r[which]).find((r) => !r.available) ?? { available: false, reason: 'no rounds ran' };
  }
  const keys = ['warp3dMs', 'labMatchMs', 'unsharpContrastMs', 'noiseMs', 'chainMs'] as const;
  const medians = Object.fromEntries(keys.map((k) => [k, +median(runs.map((r) => r[k])).toFixed(2)]));
  return { available: true, figures: { ...(runs[0] as PythonFigures), ...medians } };
}
const python = pythonMedian('default');
const pythonAllCores = pythonMedian('allCores');

const round3 = (x: number) => +x.toFixed(3);
const result: Record<string, unknown> = {
  image: `${SIZE}x${SIZE}x3`,
  repeats: REPEATS,
  rounds: ROUNDS,
  cores: CORES,
  imageThreads: threads,
  ours,
  oursSingleThread,
  notebookQuotedMs: NOTEBOOK_MS,
  chain_ratio_vs_notebook_quoted: round3((ours.chainMs as number) / NOTEBOOK_MS.chain),
};
if (python.available) {
  const py = python.figures;
  const keys = ['warp3d', 'labMatch', 'unsharpContrast', 'noise', 'chain'] as const;
  result.python = { ...py };
  result.chain_ratio_vs_python = round3((ours.chainMs as number) / py.chainMs);
  result.chain_ratio_vs_python_single_thread = round3((oursSingleThread.chainMs as number) / py.chainMs);
  if (pythonAllCores.available) {
    result.pythonAllCores = { ...pythonAllCores.figures };
    result.chain_ratio_vs_python_all_cores = round3((ours.chainMs as number) / pythonAllCores.figures.chainMs);
  }
  // Each round's own ratio (its Python run beside the ours that followed it): the spread the median hides.
  result.chain_ratio_vs_python_rounds = ourRounds.map((r, i) => {
    const run = pythonRounds[i]?.default;
    return run?.available ? round3((r.ours.chainMs as number) / run.figures.chainMs) : null;
  });
  result.ratio_vs_python = Object.fromEntries(keys.map((k) => [k, round3((ours[`${k}Ms`] as number) / py[`${k}Ms`])]));
  result.parity_vs_python = {
    warp3d: parity(warp3d(image, depth, WARP).data, path.join(folder, 'py-warp3d.u8')),
    labMatch: parity((await matchColorsTo(image, target)).data, path.join(folder, 'py-lab-match.u8')),
    unsharpContrast: parity(
      (await unsharpMask(applyContrast(image, CONTRAST), UNSHARP)).data,
      path.join(folder, 'py-unsharp.u8'),
    ),
  };
} else {
  console.log(
    `Python reference not run: ${python.reason}. Install it with: apt-get install -y ${APT_PACKAGES} ` +
      `(it must import under ${PYTHON}).`,
  );
  result.python = null;
  result.chain_ratio_vs_python = null;
}
rmSync(folder, { recursive: true, force: true });
console.log(
  `image chain at ${SIZE}², median of ${REPEATS} runs (ms), median of ${ROUNDS} rounds; each round runs the Python ` +
    `reference first, alone (torch default threads, then ${CORES}), then ours (${threads} image threads, then none)`,
);
console.log(JSON.stringify(result));

/**
 * A synchronous work-sharing pool for row-parallel image kernels, so that a 512² warp or noise pass uses the
 * machine's other cores while its callers stay synchronous (issue 4).
 * - A job is split into a fixed number of row chunks (independent of the thread count, so a kernel that derives
 *   anything from its rows, such as a noise stream per block, gives the same bytes with any number of threads).
 *   The main thread and the helper threads claim chunks with `Atomics.add` on a shared counter; the main thread
 *   works too and then waits (`Atomics.wait`) only for chunks a helper claimed.
 * - A helper still booting, or busy, simply claims nothing: the main thread does every chunk. A chunk a helper
 *   claimed but did not finish within about one chunk's time after the main thread ran out of chunks is
 *   recomputed by the main thread — kernels are pure and write each output sample once, so a helper finishing
 *   the same rows meanwhile writes the same bytes. So a helper descheduled by other work on the machine costs the
 *   caller about one chunk rather than a scheduler time slice, and a dead helper costs it one chunk, not a hang.
 *   While a chunk recomputed that way is still unfinished by its helper, later jobs get fresh shared buffers, so
 *   the late write cannot reach them.
 * - Inputs and outputs travel through shared scratch buffers, reused between jobs (measured: 0.05 ms to copy 1 MB,
 *   0.11 ms for a 512² RGB float32 sample, against ~10 ms saved). A kernel must write every output sample of the
 *   rows it is given: outputs are not copied in.
 * - Small images (`minPixels`) and `threads: 0` run the kernel once over all rows on the caller's arrays, with no
 *   copies: a kernel's rows must not depend on how the rows are split.
 * Threads: `DEFORUM_IMAGE_THREADS` (0 disables the pool), else one less than the available parallelism, at most
 * `MAX_DEFAULT_THREADS`; started at the first job that needs them and `unref()`'d so they never keep a process
 * alive. Kernels are found by name in `row-kernels.ts`, which the helper threads import.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawn-worker.js';

/** The typed arrays a kernel may read or write. */
export type RowBuffer = Uint8Array | Uint8ClampedArray | Int32Array | Uint32Array | Float32Array | Float64Array;

export type RowBuffers = Readonly<Record<string, RowBuffer>>;

/** Row chunks per job: enough for dynamic balancing over a few threads, few enough that claiming is free. */
const DEFAULT_CHUNKS = 32;

/** A pure kernel: computes rows [rowStart, rowEnd) of its outputs from its params and inputs. */
export interface RowKernel<P extends object, B extends RowBuffers> {
  readonly name: string;
  readonly run: (params: P, buffers: B, rowStart: number, rowEnd: number) => void;
  /** Row chunks per shared job (fixed, whatever the thread count): fewer for kernels with a cost per call. */
  readonly chunks: number;
  /** Loads what `run` needs before a thread can run it (awaited by the caller, started by a helper on first use). */
  readonly prepare?: () => Promise<void>;
}

export function defineRowKernel<P extends object, B extends RowBuffers>(
  name: string,
  run: (params: P, buffers: B, rowStart: number, rowEnd: number) => void,
  options: { chunks?: number; prepare?: () => Promise<void> } = {},
): RowKernel<P, B> {
  return { name, run, chunks: options.chunks ?? DEFAULT_CHUNKS, ...(options.prepare && { prepare: options.prepare }) };
}

export interface RowJob<P extends object, B extends RowBuffers> {
  readonly kernel: RowKernel<P, B>;
  /** Plain data (structured-cloned to the helpers). */
  readonly params: P;
  readonly buffers: B;
  /** The buffers the kernel writes; the rest are inputs. */
  readonly outputs: readonly (keyof B & string)[];
  readonly rows: number;
  /** The image's pixel count, for the small-image cutoff. */
  readonly pixels: number;
}

/** What a helper receives for one job. */
export interface RowMessage {
  readonly kernel: string;
  readonly params: object;
  readonly buffers: RowBuffers;
  readonly rows: number;
  readonly control: Int32Array;
}

export interface ImagePoolSettings {
  /** Helper threads beside the caller's; 0 runs every kernel on the caller's thread. */
  threads: number;
  /** Images with fewer pixels run on the caller's thread (no copies, no thread started). */
  minPixels: number;
  /**
   * false: the caller claims no chunk and only waits (then recomputes what the helpers left), so tests can see
   * every kernel run on a helper without racing the caller for small images.
   */
  callerClaims: boolean;
}

const MAX_DEFAULT_THREADS = 3;
/** How long the caller waits for a helper's chunk, in its own mean chunk times (and, having done none, in ms). */
const GRACE_CHUNKS = 1.5;
const GRACE_FLOOR_MS = 0.2;
const GRACE_WITHOUT_CHUNKS_MS = 20;
/** control[CLAIMS] counts claims; control[FIRST_CHUNK + i] is chunk i's state. */
const CLAIMS = 0;
const FIRST_CHUNK = 1;
const PENDING = 0;
const DONE_BY_CALLER = 1;
export const DONE_BY_HELPER = 2;
export const FAILED_IN_HELPER = 3;

/** The helper count for a `DEFORUM_IMAGE_THREADS` value (undefined or blank: the default) on `parallelism` cores. */
export function imageThreadCount(raw: string | undefined, parallelism: number): number {
  if (raw === undefined || raw.trim() === '') return Math.min(MAX_DEFAULT_THREADS, Math.max(0, parallelism - 1));
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 0) {
    throw new RangeError(`DEFORUM_IMAGE_THREADS must be a whole number ≥ 0 (0 disables image threads), got '${raw}'.`);
  }
  return threads;
}

interface Helper {
  readonly worker: Worker;
  ready: boolean;
}

const state = {
  settings: undefined as ImagePoolSettings | undefined,
  helpers: [] as Helper[],
  started: false,
  /** A helper failed to start or exited: the pool stays serial rather than respawn in a loop. */
  broken: false,
  scratch: [] as SharedArrayBuffer[],
  /** Chunks the caller recomputed while their helper was still on them: [control block, state slot]. */
  unfinished: [] as [Int32Array, number][],
  readyWaiters: [] as (() => void)[],
  chunksByHelpers: new Map<string, number>(),
};

function settings(): ImagePoolSettings {
  state.settings ??= {
    threads: imageThreadCount(process.env.DEFORUM_IMAGE_THREADS, os.availableParallelism()),
    minPixels: 1 << 16,
    callerClaims: true,
  };
  return state.settings;
}

/** Changes the pool's settings (tests, benches); a new thread count stops the current helpers. */
export function configureImagePool(changes: Partial<ImagePoolSettings>): void {
  const next = { ...settings(), ...changes };
  if (next.threads !== settings().threads) stopHelpers();
  state.settings = next;
}

export function imagePoolSettings(): Readonly<ImagePoolSettings> {
  return { ...settings() };
}

/**
 * For every kernel shared with the helpers since the process started, the chunks they computed (tests check that
 * the pool really ran, and that every kernel it was handed is in the helpers' registry).
 */
export function helperChunksByKernel(): ReadonlyMap<string, number> {
  return new Map(state.chunksByHelpers);
}

function stopHelpers(): void {
  for (const helper of state.helpers) void helper.worker.terminate();
  state.helpers = [];
  state.started = false;
  state.broken = false;
}

function startHelpers(): void {
  state.started = true;
  for (let i = 0; i < settings().threads; i++) {
    let worker: Worker;
    try {
      worker = spawnWorker(import.meta.url, 'row-worker', null);
    } catch {
      // Helpers only speed things up: without them (no worker support, no tsx beside TypeScript) all runs here.
      state.broken = true;
      return;
    }
    const helper: Helper = { worker, ready: false };
    worker.on('message', () => {
      helper.ready = true;
      worker.unref();
      if (state.helpers.every((h) => h.ready)) for (const wake of state.readyWaiters.splice(0)) wake();
    });
    const drop = () => {
      if (!state.helpers.includes(helper)) return;
      state.helpers = state.helpers.filter((h) => h !== helper);
      state.broken = true;
      for (const wake of state.readyWaiters.splice(0)) wake();
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    state.helpers.push(helper);
  }
}

/**
 * Starts the helpers if they are not running and resolves once every one can take work (or the pool has none):
 * jobs never wait for helpers, so tests and benches that want them working call this first.
 */
export function imagePoolReady(): Promise<void> {
  if (settings().threads === 0 || state.broken) return Promise.resolve();
  if (!state.started) startHelpers();
  if (state.helpers.every((h) => h.ready)) return Promise.resolve();
  // Booting helpers keep the process alive only while someone waits for them.
  for (const helper of state.helpers) if (!helper.ready) helper.worker.ref();
  return new Promise((resolve) => state.readyWaiters.push(resolve));
}

function chunkRows(chunk: number, chunks: number, rows: number): [number, number] {
  return [Math.floor((chunk * rows) / chunks), Math.floor(((chunk + 1) * rows) / chunks)];
}

/** Claims and runs chunks until none is left; the caller's thread and the helpers run this same loop. */
export function runClaimedChunks<P extends object, B extends RowBuffers>(
  run: RowKernel<P, B>['run'],
  params: P,
  buffers: B,
  rows: number,
  control: Int32Array,
  mark: typeof DONE_BY_CALLER | typeof DONE_BY_HELPER,
): void {
  const chunks = control.length - FIRST_CHUNK;
  for (let chunk = Atomics.add(control, CLAIMS, 1); chunk < chunks; chunk = Atomics.add(control, CLAIMS, 1)) {
    const [start, end] = chunkRows(chunk, chunks, rows);
    const slot = FIRST_CHUNK + chunk;
    try {
      run(params, buffers, start, end);
    } catch (error) {
      if (mark === DONE_BY_CALLER) throw error;
      // The caller recomputes the chunk and meets the error on its own thread.
      Atomics.store(control, slot, FAILED_IN_HELPER);
      Atomics.notify(control, slot);
      continue;
    }
    Atomics.store(control, slot, mark);
    if (mark === DONE_BY_HELPER) Atomics.notify(control, slot);
  }
}

type ArrayOn<T extends RowBuffer> = new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => T;

/** A view of `source`'s type and length on the reused shared scratch buffer `slot`. */
function scratchView<T extends RowBuffer>(slot: number, source: T): T {
  let buffer = state.scratch[slot];
  if (buffer === undefined || buffer.byteLength < source.byteLength) {
    buffer = new SharedArrayBuffer(source.byteLength);
    state.scratch[slot] = buffer;
  }
  return new (source.constructor as ArrayOn<T>)(buffer, 0, source.length);
}

/** Runs `job.kernel` over all rows, sharing the chunks with the helper threads when that pays. */
export function runRows<P extends object, B extends RowBuffers>(job: RowJob<P, B>): void {
  const { kernel, params, buffers, outputs, rows } = job;
  const chunks = Math.min(kernel.chunks, rows);
  const { threads, minPixels } = settings();
  const useHelpers = threads > 0 && job.pixels >= minPixels && chunks > 1 && !state.broken;
  if (useHelpers && !state.started) startHelpers();
  const ready = useHelpers ? state.helpers.filter((h) => h.ready) : [];
  if (ready.length === 0) {
    kernel.run(params, buffers, 0, rows);
    return;
  }
  // A fresh control block per job: a helper that reads a job's message late finds its chunks all claimed.
  const control = new Int32Array(new SharedArrayBuffer(4 * (FIRST_CHUNK + chunks)));
  state.unfinished = state.unfinished.filter(([job, slot]) => Atomics.load(job, slot) === PENDING);
  if (state.unfinished.length > 0) state.scratch = [];
  const shared: Record<string, RowBuffer> = {};
  Object.entries(buffers).forEach(([name, source], slot) => {
    const view = scratchView(slot, source);
    if (!outputs.includes(name)) view.set(source);
    shared[name] = view;
  });
  const message: RowMessage = { kernel: kernel.name, params, buffers: shared, rows, control };
  const helped = state.chunksByHelpers.get(kernel.name) ?? 0;
  for (const helper of ready) helper.worker.postMessage(message);
  const sharedBuffers = shared as B;
  const started = performance.now();
  if (settings().callerClaims) runClaimedChunks(kernel.run, params, sharedBuffers, rows, control, DONE_BY_CALLER);
  const finished = performance.now();
  let ownChunks = 0;
  let helpedChunks = 0;
  for (let chunk = 0; chunk < chunks; chunk++) {
    if (Atomics.load(control, FIRST_CHUNK + chunk) === DONE_BY_CALLER) ownChunks++;
  }
  const graceMs =
    ownChunks === 0 ? GRACE_WITHOUT_CHUNKS_MS : GRACE_FLOOR_MS + (GRACE_CHUNKS * (finished - started)) / ownChunks;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const slot = FIRST_CHUNK + chunk;
    if (Atomics.load(control, slot) === PENDING) {
      Atomics.wait(control, slot, PENDING, Math.max(0, finished + graceMs - performance.now()));
    }
    const done = Atomics.load(control, slot);
    if (done === DONE_BY_HELPER) {
      helpedChunks++;
      continue;
    }
    if (done === DONE_BY_CALLER) continue;
    // A helper has not finished it, or its kernel threw: compute it here (and meet any error on this thread).
    if (done === PENDING) state.unfinished.push([control, slot]);
    kernel.run(params, sharedBuffers, ...chunkRows(chunk, chunks, rows));
  }
  state.chunksByHelpers.set(kernel.name, helped + helpedChunks);
  for (const name of outputs) bytesOf(buffers[name] as RowBuffer).set(bytesOf(shared[name] as RowBuffer));
}

function bytesOf(array: RowBuffer): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

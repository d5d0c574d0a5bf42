/**
 * What checkpointing adds to a frame (issue 7 "Speed"): a 2D job of 12 frames at 512², 25 steps, strength 0.65,
 * rendered through the worker's per-frame path (renderJob: the real loop and diffusion generator, whose UNet and
 * VAE are the timing stand-ins, 10.5 ms per UNet call) twice per round: with checkpointing (the frame PNG and the
 * checkpoint written to LocalStorage, the row recorded by JobLeases.recordFrame on the local Postgres) and without
 * (the same calls answered in memory). The figure is the median interval between recorded frames (what the worker
 * reports as its frame time; the store runs while the next frame renders, frame-recorder.ts; the MP4 at the end
 * excluded), with minus without, over without. Target < 2%. Beside it, the median time a frame's store (its writes
 * and its row) takes off the critical path, and the record statement alone.
 *
 * Then the PNG encode of a stored frame at zlib level 6 (sharp's default) and at FRAME_PNG_LEVEL, on a 512² frame
 * with the fine texture of a diffused image (the demo init plus seeded noise: ≈ 1.5 bytes per pixel at level 6,
 * as SD 1.5 frames are), median of PNG_REPEATS encodes. Last line: JSON.
 *
 *   npx tsx bench/checkpoint.bench.ts [--rounds 6]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTimingStandIn } from '../src/core/diffusion/models/timing-stand-in.js';
import { createSessionHost } from '../src/core/diffusion/onnx/session.js';
import { loadComponents } from '../src/core/diffusion/pipeline/components.js';
import { createDiffusionGenerator } from '../src/core/diffusion/pipeline/diffusion-generator.js';
import { decodeImage, encodePng } from '../src/core/image/codec.js';
import type { RawImage } from '../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../src/core/settings/parse-settings.js';
import { JobLeases, type Lease } from '../src/jobs/job-leases.js';
import { JobStore, newJobId } from '../src/jobs/job-store.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../src/jobs/store-config.js';
import { keepLease } from '../src/worker/lease.js';
import { createWorkerLogger } from '../src/worker/logger.js';
import { WorkerMetrics } from '../src/worker/metrics.js';
import { FRAME_PNG_LEVEL } from '../src/worker/frame-recorder.js';
import { renderJob, type RenderJobDeps } from '../src/worker/render-job.js';
import { LocalStorage, type Storage } from '../src/storage/storage.js';
import { createTestDatabase, dropTestDatabase } from '../test/support/database.js';
import { PLAIN_GENERATOR_OPTIONS } from '../test/support/plain-frame-settings.js';
import { REPO_ROOT } from '../test/support/shared-dirs.js';
import { writeTinyExport } from '../test/support/tiny-onnx.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '6' } } });
const ROUNDS = Number(values.rounds);
const FRAMES = 12;
const MODEL = 'sd-1.5-onnx';
const PNG_REPEATS = 15;

const settings = parseSettingsOrThrow(
  {
    animation_mode: '2D',
    W: 512,
    H: 512,
    steps: 25,
    max_frames: FRAMES,
    diffusion_cadence: 1,
    strength_schedule: '0:(0.65)',
    seed: 7,
    zoom: '0:(1.02)',
    use_init: false,
    init_image: null,
  },
  'checkpoint bench',
);

const root = mkdtempSync(path.join(tmpdir(), 'deforum-checkpoint-bench-'));
const host = createSessionHost();
const tiny = await loadComponents(writeTinyExport(path.join(root, 'tiny')), host);
const db = await createTestDatabase('checkpoint_bench');
const store = new JobStore(db.prisma, DEFAULT_JOB_STORE_CONFIG);
const leases = new JobLeases(db.prisma, DEFAULT_JOB_STORE_CONFIG);
const log = createWorkerLogger('checkpoint-bench', 'silent');
const timing = { leaseMs: 60_000, heartbeatMs: 20_000 };

class FrameTimes extends WorkerMetrics {
  readonly seconds: number[] = [];
  override frameRecorded(seconds: number, now?: number): void {
    this.seconds.push(seconds);
    super.frameRecorded(seconds, now);
  }
}

function generatorDeps(): Pick<RenderJobDeps, 'sessions'> {
  const generate = createDiffusionGenerator({ ...tiny, ...createTimingStandIn() }, PLAIN_GENERATOR_OPTIONS);
  return { sessions: { generatorFor: () => Promise.resolve({ generate, depthModel: null, safetyChecker: null }) } };
}

/** Storage answered from memory: no bytes leave the process. */
function memoryStorage(): Storage {
  const files = new Map<string, Buffer>();
  return {
    put: (key, bytes) => Promise.resolve(void files.set(key, Buffer.from(bytes))),
    get: (key) => Promise.resolve(files.get(key) ?? Buffer.alloc(0)),
    delete: (key) => Promise.resolve(void files.delete(key)),
    list: () => Promise.resolve([...files.keys()].sort()),
    deleteJob: () => Promise.resolve(files.clear()),
    deleteJobFolder: () => Promise.resolve(),
  };
}

const recordMs: number[] = [];
const storeMs: number[] = [];

/**
 * The real storage and leases, timed: a frame's store runs from its first write (PNG or checkpoint, after the PNG
 * encode) to its recorded row; the record is the one statement of JobLeases.recordFrame.
 */
function timedCheckpointing(storage: Storage): Pick<RenderJobDeps, 'storage' | 'leases'> {
  const firstWrite = new Map<number, number>();
  return {
    storage: {
      put: (key, bytes) => {
        const frame = Number(/\/(\d+)-a\d+\./.exec(key)?.[1]);
        if (!firstWrite.has(frame)) firstWrite.set(frame, performance.now());
        return storage.put(key, bytes);
      },
      get: (key) => storage.get(key),
      delete: (key) => storage.delete(key),
      list: (prefix) => storage.list(prefix),
      deleteJob: (jobId) => storage.deleteJob(jobId),
      deleteJobFolder: (jobId, folder) => storage.deleteJobFolder(jobId, folder),
    },
    leases: {
      recordFrame: async (lease, frame) => {
        const started = performance.now();
        const renewed = await leases.recordFrame(lease, frame);
        const done = performance.now();
        recordMs.push(done - started);
        storeMs.push(done - (firstWrite.get(frame.frameIndex) ?? started));
        return renewed;
      },
      flag: (lease) => leases.flag(lease),
    },
  };
}

async function renderOnce(checkpointing: boolean, round: number): Promise<number[]> {
  await store.enqueue({ id: newJobId(), userId: 'bench', settings, model: MODEL, preview: false, attachments: [] });
  const claimed = await leases.claim({ workerId: 'bench', models: [MODEL] });
  if (claimed === null) throw new Error('nothing to claim');
  const metrics = new FrameTimes();
  const recorded: { frameIndex: number; storageKey: string; attempt: number }[] = [];
  const deps: RenderJobDeps = checkpointing
    ? {
        ...timedCheckpointing(new LocalStorage(path.join(root, `storage-${round}`))),
        jobs: store,
        metrics,
        ...generatorDeps(),
      }
    : {
        leases: {
          recordFrame: (lease: Lease, frame) => {
            recorded.push({ ...frame, attempt: lease.attempt });
            return Promise.resolve(lease);
          },
          flag: () => Promise.resolve(),
        },
        jobs: { listAttachments: () => Promise.resolve([]), listFrames: () => Promise.resolve(recorded) },
        storage: memoryStorage(),
        metrics,
        ...generatorDeps(),
      };
  const heartbeats = checkpointing ? leases : { heartbeat: (lease: Lease) => Promise.resolve(lease) };
  const lease = keepLease(heartbeats, claimed.lease, timing, log);
  try {
    const outcome = await renderJob({ job: claimed.job, lease, stopRequested: () => false, log }, deps);
    if (outcome.kind !== 'rendered') throw new Error('the render stopped');
    await leases.complete(lease.current, outcome);
  } finally {
    lease.stop();
  }
  return metrics.seconds.map((s) => s * 1000);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** The demo init at 512² with seeded ±2 noise per sample (xorshift32): about as compressible as a diffused frame. */
async function texturedFrame(): Promise<RawImage<'u8'>> {
  const image = await decodeImage(path.join(REPO_ROOT, 'assets/demo-init.png'), { size: { width: 512, height: 512 } });
  let state = 12345;
  for (let i = 0; i < image.data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    image.data[i] = Math.min(255, Math.max(0, (image.data[i] ?? 0) + (state >>> 24) / 63.75 - 2));
  }
  return image;
}

async function pngCost(image: RawImage<'u8'>, compressionLevel: number): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < PNG_REPEATS; i++) {
    const started = performance.now();
    bytes = (await encodePng(image, { compressionLevel })).length;
    times.push(performance.now() - started);
  }
  return { ms: median(times), bytes };
}

try {
  await renderOnce(true, -1); // warm-up: JIT, prepared statements, the tiny text encoder
  recordMs.length = 0;
  storeMs.length = 0;
  const withMs: number[] = [];
  const withoutMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Frame 0 is text-to-image (all 25 steps), the others img2img: compare like with like, frames 1..11.
    // The order alternates, so a machine getting busier or quieter during a round favours neither.
    for (const checkpointing of round % 2 === 0 ? [false, true] : [true, false]) {
      (checkpointing ? withMs : withoutMs).push(...(await renderOnce(checkpointing, round)).slice(1));
    }
    console.log(`round ${round + 1}/${ROUNDS} done`);
  }
  const withoutFrame = median(withoutMs);
  const withFrame = median(withMs);
  const fraction = (withFrame - withoutFrame) / withoutFrame;
  console.log(
    `frame (img2img, 512², 25 steps × 0.65): without ${withoutFrame.toFixed(2)} ms, with ${withFrame.toFixed(2)} ms`,
  );
  console.log(
    `checkpointing adds ${(withFrame - withoutFrame).toFixed(2)} ms per frame = ${(fraction * 100).toFixed(2)}% (target < 2%)`,
  );
  console.log(
    `off the critical path per frame: writes + record ${median(storeMs).toFixed(2)} ms, ` +
      `of which the record statement ${median(recordMs).toFixed(2)} ms`,
  );
  const frame = await texturedFrame();
  const png6 = await pngCost(frame, 6);
  const pngFast = await pngCost(frame, FRAME_PNG_LEVEL);
  console.log(
    `PNG 512²: level 6 ${png6.ms.toFixed(2)} ms, ${png6.bytes} bytes; ` +
      `level ${FRAME_PNG_LEVEL} ${pngFast.ms.toFixed(2)} ms, ${pngFast.bytes} bytes`,
  );
  console.log(
    JSON.stringify({
      frames: FRAMES,
      rounds: ROUNDS,
      frame_ms_without_checkpoint: Number(withoutFrame.toFixed(3)),
      frame_ms_with_checkpoint: Number(withFrame.toFixed(3)),
      checkpoint_added_ms_per_frame: Number((withFrame - withoutFrame).toFixed(3)),
      checkpoint_overhead_fraction: Number(fraction.toFixed(5)),
      store_ms_per_frame: Number(median(storeMs).toFixed(3)),
      record_ms_per_frame: Number(median(recordMs).toFixed(3)),
      png_level: FRAME_PNG_LEVEL,
      png_ms_level6: Number(png6.ms.toFixed(3)),
      png_bytes_level6: png6.bytes,
      png_ms: Number(pngFast.ms.toFixed(3)),
      png_bytes: pngFast.bytes,
    }),
  );
} finally {
  await host.close?.();
  await dropTestDatabase(db);
  rmSync(root, { recursive: true, force: true });
}

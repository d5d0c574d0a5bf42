/** Worker processes, preview jobs and their reference frames for the fleet reliability tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { motionPreview } from '../../src/core/animation/motion-preview.js';
import { decodeImage, encodePng } from '../../src/core/image/codec.js';
import { parseSettingsOrThrow } from '../../src/core/settings/parse-settings.js';
import type { DeforumSettings } from '../../src/core/settings/schema.js';
import type { JobStore } from '../../src/jobs/job-store.js';
import { newJobId } from '../../src/jobs/job-store.js';
import { jobFileKey, type Storage } from '../../src/storage/storage.js';
import { FRAME_PNG_LEVEL } from '../../src/worker/frame-recorder.js';
import { REPO_ROOT } from '../support/shared-dirs.js';

export const INIT_FILE = path.join(REPO_ROOT, 'assets/demo-init.png');

/** A 2D preview job: zoom and rotation, so every frame differs and depends on the one before. */
export function previewSettings(overrides: Readonly<Record<string, unknown>> = {}): DeforumSettings {
  return parseSettingsOrThrow(
    {
      animation_mode: '2D',
      W: 192,
      H: 192,
      max_frames: 10,
      diffusion_cadence: 1,
      seed: 7,
      zoom: '0:(1.03)',
      angle: '0:(2)',
      translation_x: '0:(1.5)',
      color_coherence: 'Match Frame 0 LAB',
      use_init: true,
      init_image: null,
      ...overrides,
    },
    'fleet test settings',
  );
}

export async function submitPreview(
  jobs: JobStore,
  storage: Storage,
  settings: DeforumSettings,
  userId = 'fleet',
): Promise<string> {
  const id = newJobId();
  const bytes = await readFile(INIT_FILE);
  const storageKey = jobFileKey(id, 'init', 'png');
  await storage.put(storageKey, bytes);
  await jobs.enqueue({
    id,
    userId,
    settings,
    model: 'sd-1.5-onnx',
    preview: true,
    attachments: [{ kind: 'init', storageKey, sizeBytes: bytes.byteLength, contentType: 'image/png' }],
  });
  return id;
}

/** The PNG bytes of every frame of an uninterrupted preview render, in this process, as a worker stores them. */
export async function referenceFrames(settings: DeforumSettings): Promise<Buffer[]> {
  const init = await decodeImage(INIT_FILE, { size: { width: settings.W, height: settings.H } });
  const frames: Buffer[] = [];
  for await (const event of motionPreview({ settings, init })) {
    if (event.type === 'frame:done') frames.push(await encodePng(event.image, { compressionLevel: FRAME_PNG_LEVEL }));
  }
  return frames;
}

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  /** Everything it logged so far (pino JSON lines and stderr). */
  output(): string;
  exited: Promise<number | null>;
}

export function startWorker(
  id: string,
  env: { databaseUrl: string; storageDir: string; leaseMs: number },
  args: readonly string[] = [],
): WorkerProcess {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/deforum.js'), 'worker', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      DEFORUM_STORAGE_DIR: env.storageDir,
      DEFORUM_WORKER_ID: id,
      DEFORUM_LEASE_MS: String(env.leaseMs),
      DEFORUM_POLL_MS: '500',
      DEFORUM_RECLAIM_MS: '300',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { id, child, output: () => text, exited };
}

/**
 * The uploaded media a worker renders from (issue 8): the `mask` attachment of a use_mask job reaches the render
 * as `deforum render --mask` feeds it, and hybrid video reads the frames of the `video` attachment. Real Postgres,
 * real ffmpeg, tiny ONNX models for the masked render, preview jobs for hybrid video.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, encodePng } from '../../src/core/image/codec.js';
import { rawImageFrom, type RawImage } from '../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../src/core/settings/parse-settings.js';
import type { DeforumSettings } from '../../src/core/settings/schema.js';
import { JobStore } from '../../src/jobs/job-store.js';
import { LocalStorage } from '../../src/storage/storage.js';
import { useTestDatabase } from '../support/database.js';
import { writeTinyExport } from '../support/tiny-onnx.js';
import { testConfig } from '../jobs/fixtures.js';
import { drainQueue, RENDER_TIMEOUT_MS, submitJob, type UploadedFile } from './drain-queue.js';
import { INIT_FILE, previewSettings } from './fleet-support.js';

const run = promisify(execFile);
const db = useTestDatabase('job_media');
const INIT: UploadedFile = { kind: 'init', file: INIT_FILE, extension: 'png', contentType: 'image/png' };
let folder: string;
let storage: LocalStorage;
let models: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'deforum-media-'));
  storage = new LocalStorage(path.join(folder, 'storage'));
  models = writeTinyExport(path.join(folder, 'models'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

interface JobRow {
  state: string;
  last_error_code: string | null;
  last_error_message: string | null;
}

async function jobRow(id: string): Promise<JobRow> {
  const [row] = await db().query<JobRow>('SELECT state, last_error_code, last_error_message FROM jobs WHERE id = $1', [
    id,
  ]);
  if (row === undefined) throw new Error(`job ${id} is gone`);
  return row;
}

/** The job's recorded frames, decoded. */
async function renderedFrames(id: string): Promise<RawImage<'u8'>[]> {
  const frames = await new JobStore(db().prisma, testConfig()).listFrames(id);
  return Promise.all(frames.map(async (frame) => decodeImage(await storage.get(frame.storageKey))));
}

/** Mean absolute difference of two 8-bit images over the columns [from, to). */
function meanDifference(a: RawImage<'u8'>, b: RawImage<'u8'>, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = from; x < to; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * a.width + x) * 3 + c;
        sum += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
        count++;
      }
    }
  }
  return sum / count;
}

describe('mask attachment', () => {
  const settings = (overrides: Record<string, unknown>): DeforumSettings =>
    parseSettingsOrThrow(
      {
        animation_mode: '2D',
        W: 64,
        H: 64,
        max_frames: 2,
        steps: 4,
        seed: 7,
        sampler: 'euler',
        strength: 0.2,
        use_init: true,
        init_image: null,
        zoom: '0:(1)',
        angle: '0:(0)',
        translation_x: '0:(0)',
        ...overrides,
      },
      'mask test settings',
    );

  it(
    'keeps the init where the uploaded mask is white and diffuses where it is black',
    async () => {
      const maskFile = path.join(folder, 'mask.png');
      const mask = new Uint8Array(64 * 64 * 3).map((_, i) => (Math.floor(i / 3) % 64 < 32 ? 0 : 255));
      await writeFile(maskFile, await encodePng(rawImageFrom('u8', 64, 64, 3, mask)));
      const maskUpload: UploadedFile = { kind: 'mask', file: maskFile, extension: 'png', contentType: 'image/png' };
      const masked = await submitJob(
        db().prisma,
        storage,
        // mask_file names a file that no worker may read: only the attachment is used.
        { settings: settings({ use_mask: true, overlay_mask: true, mask_file: '/etc/passwd' }) },
        [INIT, maskUpload],
      );
      const plain = await submitJob(db().prisma, storage, { settings: settings({ use_mask: false }) }, [INIT]);
      await drainQueue(db().prisma, storage, models);
      expect(await jobRow(masked)).toMatchObject({ state: 'succeeded' });
      expect(await jobRow(plain)).toMatchObject({ state: 'succeeded' });

      const init = await decodeImage(INIT_FILE, { size: { width: 64, height: 64 } });
      const [maskedFrame] = await renderedFrames(masked);
      const [plainFrame] = await renderedFrames(plain);
      if (maskedFrame === undefined || plainFrame === undefined) throw new Error('no frame 0');
      // White half: the masked render shows the init (Deforum's overlay_mask); the plain render diffused it.
      expect(meanDifference(maskedFrame, init, 32, 64)).toBeLessThan(4);
      expect(meanDifference(plainFrame, init, 32, 64)).toBeGreaterThan(10);
      // Black half: diffused.
      expect(meanDifference(maskedFrame, init, 0, 32)).toBeGreaterThan(10);
    },
    RENDER_TIMEOUT_MS,
  );

  it(
    'fails a use_mask job without a mask attachment, saying what to attach',
    async () => {
      const id = await submitJob(db().prisma, storage, { settings: settings({ use_mask: true }) }, [INIT]);
      await drainQueue(db().prisma, storage, models);
      expect(await jobRow(id)).toEqual({
        state: 'failed',
        last_error_code: 'settings_invalid',
        last_error_message:
          'use_mask is on but no mask image is attached to the job; attach one when you submit, or set use_mask to false.',
      });
    },
    RENDER_TIMEOUT_MS,
  );
});

describe('hybrid video attachment', () => {
  async function testVideo(frames: number): Promise<UploadedFile> {
    const file = path.join(folder, `video-${frames}.mp4`);
    const source = 'testsrc2=size=192x192:rate=10';
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-frames:v', String(frames), file]);
    return { kind: 'video', file, extension: 'mp4', contentType: 'video/mp4' };
  }

  const hybrid = previewSettings({
    hybrid_composite: true,
    hybrid_comp_alpha_schedule: '0:(0.8)',
    hybrid_motion: 'None',
    video_init_path: '/etc/passwd',
  });

  it(
    "composites the uploaded video's frames into the render",
    async () => {
      const composited = await submitJob(db().prisma, storage, { settings: hybrid, preview: true }, [
        INIT,
        await testVideo(12),
      ]);
      const plain = await submitJob(db().prisma, storage, { settings: previewSettings(), preview: true }, [INIT]);
      await drainQueue(db().prisma, storage, null);
      expect(await jobRow(composited)).toMatchObject({ state: 'succeeded' });
      const withVideo = await renderedFrames(composited);
      const without = await renderedFrames(plain);
      expect(withVideo).toHaveLength(10);
      const last = withVideo.length - 1;
      expect(
        meanDifference(withVideo[last] as RawImage<'u8'>, without[last] as RawImage<'u8'>, 0, 192),
      ).toBeGreaterThan(10);
    },
    RENDER_TIMEOUT_MS,
  );

  it(
    'fails a hybrid job whose video is missing or too short, saying what to change',
    async () => {
      const missing = await submitJob(db().prisma, storage, { settings: hybrid, preview: true }, [INIT]);
      const short = await submitJob(db().prisma, storage, { settings: hybrid, preview: true }, [
        INIT,
        await testVideo(6),
      ]);
      await drainQueue(db().prisma, storage, null);
      expect(await jobRow(missing)).toMatchObject({
        state: 'failed',
        last_error_message: expect.stringContaining('the job has none attached; attach the video when you submit'),
      });
      expect(await jobRow(short)).toMatchObject({
        state: 'failed',
        last_error_message: expect.stringContaining('The attached video gives 6 frames'),
      });
    },
    RENDER_TIMEOUT_MS,
  );
});

/**
 * The result files a worker stores for the bot (issue 8 point 2): real Postgres, real ffmpeg, a local storage
 * folder and preview jobs (the render loop with the identity generator). The GIF comes only with create_gif; the
 * fit-to-size MP4 only when the MP4 is over the job's upload limit, and then it is within the limit.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFileKey, LocalStorage } from '../../src/storage/storage.js';
import { useTestDatabase } from '../support/database.js';
import { probeVideo } from '../support/ffprobe.js';
import { drainQueue, RENDER_TIMEOUT_MS, submitJob } from './drain-queue.js';
import { INIT_FILE, previewSettings } from './fleet-support.js';

const db = useTestDatabase('encode_results');
const INIT = { kind: 'init', file: INIT_FILE, extension: 'png', contentType: 'image/png' } as const;
let folder: string;
let storage: LocalStorage;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'deforum-results-'));
  storage = new LocalStorage(path.join(folder, 'storage'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

interface ResultRow {
  state: string;
  result_key: string | null;
  gif_key: string | null;
  fit_key: string | null;
}

async function resultRow(id: string): Promise<ResultRow> {
  const [row] = await db().query<ResultRow>('SELECT state, result_key, gif_key, fit_key FROM jobs WHERE id = $1', [id]);
  if (row === undefined) throw new Error(`job ${id} is gone`);
  return row;
}

/** The stored file copied out, to probe it and read its size. */
async function storedFile(key: string, name: string): Promise<string> {
  const file = path.join(folder, name);
  await writeFile(file, await storage.get(key));
  return file;
}

describe('result files', () => {
  it(
    'stores a GIF of every frame when create_gif is on, and none when it is off',
    async () => {
      const withGif = await submitJob(
        db().prisma,
        storage,
        { settings: previewSettings({ create_gif: true }), preview: true },
        [INIT],
      );
      const without = await submitJob(
        db().prisma,
        storage,
        { settings: previewSettings({ create_gif: false }), preview: true },
        [INIT],
      );
      await drainQueue(db().prisma, storage, null);

      expect(await resultRow(withGif)).toEqual({
        state: 'succeeded',
        result_key: jobFileKey(withGif, 'result', 'mp4'),
        gif_key: jobFileKey(withGif, 'result', 'gif'),
        fit_key: null,
      });
      const gif = await probeVideo(await storedFile(jobFileKey(withGif, 'result', 'gif'), 'result.gif'));
      expect(gif).toMatchObject({ codec_name: 'gif', width: 192, height: 192, nb_read_frames: '10' });
      expect(await resultRow(without)).toMatchObject({ state: 'succeeded', gif_key: null, fit_key: null });
      expect(await storage.list(`jobs/${without}/`)).not.toContain(jobFileKey(without, 'result', 'gif'));
    },
    RENDER_TIMEOUT_MS,
  );

  it(
    'stores a fit-to-size MP4 within the upload limit only when the MP4 is over it',
    async () => {
      const settings = previewSettings({ W: 384, H: 384, max_frames: 24 });
      const roomy = await submitJob(
        db().prisma,
        storage,
        { settings, preview: true, uploadLimitBytes: 25 * 1024 * 1024 },
        [INIT],
      );
      await drainQueue(db().prisma, storage, null);
      expect(await resultRow(roomy)).toMatchObject({ state: 'succeeded', fit_key: null });
      const fullSize = (await stat(await storedFile(jobFileKey(roomy, 'result', 'mp4'), 'roomy.mp4'))).size;

      const limit = Math.floor(fullSize * 0.6);
      const tight = await submitJob(db().prisma, storage, { settings, preview: true, uploadLimitBytes: limit }, [INIT]);
      await drainQueue(db().prisma, storage, null);
      const row = await resultRow(tight);
      expect(row).toMatchObject({ state: 'succeeded', fit_key: jobFileKey(tight, 'fit', 'mp4') });
      const full = await storedFile(jobFileKey(tight, 'result', 'mp4'), 'tight.mp4');
      const fit = await storedFile(jobFileKey(tight, 'fit', 'mp4'), 'tight.fit.mp4');
      expect((await stat(full)).size).toBe(fullSize);
      expect((await stat(fit)).size).toBeLessThanOrEqual(limit);
      expect(await probeVideo(fit)).toMatchObject({ codec_name: 'h264', nb_read_frames: '24' });
    },
    RENDER_TIMEOUT_MS,
  );
});

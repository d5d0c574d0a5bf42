/**
 * The export's safety checker in the worker (issue 8 point 7): real Postgres, tiny ONNX models (their checker flags
 * frames brighter than CLIP's mean colour, test/support/tiny-onnx.ts) and full renders. A flagged frame marks the
 * job flagged; a dark render is not flagged; a model folder without a checker flags nothing, and the worker and
 * `deforum models check` say so.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeforumError } from '../../src/core/errors.js';
import { encodePng } from '../../src/core/image/codec.js';
import { rawImageFrom } from '../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../src/core/settings/parse-settings.js';
import { JobLeases } from '../../src/jobs/job-leases.js';
import { LocalStorage } from '../../src/storage/storage.js';
import { useTestDatabase } from '../support/database.js';
import { runDeforum } from '../support/run-cli.js';
import { writeTinyExport } from '../support/tiny-onnx.js';
import { testConfig } from '../jobs/fixtures.js';
import { drainQueue, RENDER_TIMEOUT_MS, submitJob, TINY_MODEL, type UploadedFile } from './drain-queue.js';

const db = useTestDatabase('safety_check');
let folder: string;
let storage: LocalStorage;
let withChecker: string;
let withoutChecker: string;
let bright: UploadedFile;
let dark: UploadedFile;

const SETTINGS = parseSettingsOrThrow(
  {
    animation_mode: '2D',
    W: 64,
    H: 64,
    max_frames: 3,
    steps: 2,
    seed: 7,
    sampler: 'euler',
    strength: 0.3,
    strength_schedule: '0:(0.3)',
    use_init: true,
    init_image: null,
  },
  'safety test settings',
);

async function plainInit(name: string, level: number): Promise<UploadedFile> {
  const file = path.join(folder, `${name}.png`);
  await writeFile(file, await encodePng(rawImageFrom('u8', 64, 64, 3, new Uint8Array(64 * 64 * 3).fill(level))));
  return { kind: 'init', file, extension: 'png', contentType: 'image/png' };
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'deforum-safety-'));
  storage = new LocalStorage(path.join(folder, 'storage'));
  // vocab.json + merges.txt: the files `deforum models check` asks for.
  withChecker = writeTinyExport(path.join(folder, 'with'), { safetyChecker: true, tokenizerFiles: 'vocab-merges' });
  withoutChecker = writeTinyExport(path.join(folder, 'without'), { tokenizerFiles: 'vocab-merges' });
  bright = await plainInit('bright', 250);
  dark = await plainInit('dark', 10);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function jobRow(id: string): Promise<{ state: string; flagged: boolean; last_error_message: string | null }> {
  const [row] = await db().query<{ state: string; flagged: boolean; last_error_message: string | null }>(
    'SELECT state, flagged, last_error_message FROM jobs WHERE id = $1',
    [id],
  );
  if (row === undefined) throw new Error(`job ${id} is gone`);
  return row;
}

describe('the safety checker in the worker', () => {
  it(
    'flags a job whose frames the checker flags, and not one whose frames it passes',
    async () => {
      const flagged = await submitJob(db().prisma, storage, { settings: SETTINGS }, [bright]);
      const passed = await submitJob(db().prisma, storage, { settings: SETTINGS }, [dark]);
      // With cadence 2 no frame is a diffused image alone: the frame showing each at full weight is checked.
      const cadence = await submitJob(db().prisma, storage, { settings: { ...SETTINGS, diffusion_cadence: 2 } }, [
        bright,
      ]);
      await drainQueue(db().prisma, storage, withChecker);
      expect(await jobRow(flagged)).toMatchObject({ state: 'succeeded', flagged: true });
      expect(await jobRow(cadence)).toMatchObject({ state: 'succeeded', flagged: true });
      expect(await jobRow(passed)).toMatchObject({ state: 'succeeded', flagged: false });
    },
    RENDER_TIMEOUT_MS,
  );

  it(
    'never flags a job when the model folder has no safety checker, and says so',
    async () => {
      const id = await submitJob(db().prisma, storage, { settings: SETTINGS }, [bright]);
      const logged = await drainQueue(db().prisma, storage, withoutChecker);
      expect(await jobRow(id)).toMatchObject({ state: 'succeeded', flagged: false });
      expect(logged).toContain('has no safety_checker/model.onnx: no safety checker, so no job is ever flagged');
    },
    RENDER_TIMEOUT_MS,
  );

  it('`deforum models check` says whether the folder has a safety checker', () => {
    expect(runDeforum(['models', 'check', withChecker]).stdout).toContain(
      'safety checker: safety_checker/model.onnx (workers flag the jobs it flags)',
    );
    expect(runDeforum(['models', 'check', withoutChecker]).stdout).toContain(
      'no safety checker (safety_checker/model.onnx): workers never flag a job',
    );
  });

  it(
    'writes the flag only while the attempt holds the job',
    async () => {
      await submitJob(db().prisma, storage, { settings: SETTINGS }, [dark]);
      const leases = new JobLeases(db().prisma, testConfig());
      const claimed = await leases.claim({ workerId: 'w', models: [TINY_MODEL] });
      if (claimed === null) throw new Error('nothing to claim');
      await leases.release(claimed.lease);
      await expect(leases.flag(claimed.lease)).rejects.toSatisfy(
        (error: unknown) => isDeforumError(error) && error.details.code === 'lease_lost',
      );
      expect(await jobRow(claimed.job.id)).toMatchObject({ state: 'queued', flagged: false });
    },
    RENDER_TIMEOUT_MS,
  );
});

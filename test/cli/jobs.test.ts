/** `deforum submit` and `deforum jobs` as an operator runs them, against a fresh database. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { STACK_TRACE } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-dirs.js';

const db = useTestDatabase('cli_jobs');
const storageDir = mkdtempSync(path.join(tmpdir(), 'deforum-storage-'));
afterAll(() => rmSync(storageDir, { recursive: true, force: true }));

function deforum(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/deforum.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DATABASE_URL: db().url, DEFORUM_STORAGE_DIR: storageDir },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('deforum submit / jobs', () => {
  test('submit prints only the job id; jobs show --json reports state, frames and result', () => {
    const submit = deforum(['submit', 'presets/slow-zoom-2d.json', '--init', 'assets/demo-init.png', '--user', 'op']);
    expect(submit.stderr).not.toMatch(STACK_TRACE);
    expect(submit.status).toBe(0);
    const id = submit.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const show = deforum(['jobs', 'show', id, '--json']);
    expect(show.status).toBe(0);
    const job = JSON.parse(show.stdout) as Record<string, unknown>;
    expect(job).toMatchObject({ id, state: 'queued', framesDone: 0, result: null, userId: 'op', attempt: 0 });
    // The init image was stored under the job's id and recorded as its attachment.
    const stored = readFileSync(path.join(storageDir, 'jobs', id, 'init.png'));
    expect(stored.equals(readFileSync(path.join(REPO_ROOT, 'assets/demo-init.png')))).toBe(true);
  });

  test('cancel and resume change the state; list shows the job', async () => {
    const id = deforum(['submit', 'presets/slow-zoom-2d.json', '--preview']).stdout.trim();
    expect(deforum(['jobs', 'cancel', id]).stdout).toContain('state: cancelled');
    expect(deforum(['jobs', 'resume', id]).stdout).toContain('state: queued');
    const list = deforum(['jobs', 'list', '--state', 'queued', '--json']);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((j) => j.id)).toContain(id);
    const rows = await db().query<{ kind: string }>('SELECT kind FROM attachments');
    expect(rows).toEqual([{ kind: 'init' }]);
  });

  test('invalid settings are refused before anything is queued; unknown ids get a clear error', async () => {
    const bad = deforum(['submit', 'test/fixtures/settings/typo-enum_settings.txt']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    const missing = deforum(['jobs', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('There is no job 00000000-0000-4000-8000-000000000000');
    expect(missing.stderr).not.toMatch(STACK_TRACE);
    const cancelDone = deforum(['jobs', 'cancel', 'nonsense']);
    expect(cancelDone.stderr).toContain('There is no job nonsense');
  });
});

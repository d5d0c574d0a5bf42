/** Runs the real `deforum` bin script in a child process, as a user would, and returns what they would see. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './shared-dirs.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runDeforum(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): CliRun {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/deforum.js'), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A stack trace line, which a user must never see for a mistake of theirs. */
export const STACK_TRACE = /\n\s+at /;

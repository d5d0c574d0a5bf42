/**
 * `deforum bot deploy-commands`: --print shows the registry's JSON without a token; without it the commands are
 * registered through REST (here with the Discord emulator), in one guild with --guild.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDeployJson } from '../../src/bot/commands/index.js';
import { startDiscordEmulator, type DiscordEmulator } from '../discord-emulator/index.js';
import { createTestDatabase, dropTestDatabase } from '../support/database.js';
import { STACK_TRACE, type CliRun } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-dirs.js';

/** Like runDeforum, without blocking this process's event loop, where the emulator answers the CLI. */
function runDeforumAsync(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/deforum.js'), ...args],
      { env, cwd: REPO_ROOT },
      (error, stdout, stderr) => {
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      },
    );
  });
}

describe('deforum bot deploy-commands', () => {
  it('--print prints the command JSON and needs no token', async () => {
    const { DISCORD_TOKEN: _token, DISCORD_APPLICATION_ID: _id, ...env } = process.env;
    const run = await runDeforumAsync(['bot', 'deploy-commands', '--print'], env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(toDeployJson())));
  });

  describe('against Discord', () => {
    let emulator: DiscordEmulator;
    beforeAll(async () => {
      emulator = await startDiscordEmulator();
    });
    afterAll(async () => {
      await emulator.close();
    });

    const env = (): NodeJS.ProcessEnv => ({
      ...process.env,
      DISCORD_TOKEN: emulator.token,
      DISCORD_APPLICATION_ID: emulator.applicationId,
      DISCORD_API_URL: emulator.apiUrl,
    });

    it('registers the commands in one guild', async () => {
      const guild = emulator.createGuild();
      const run = await runDeforumAsync(['bot', 'deploy-commands', '--guild', guild.id], env());
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`Registered 1 command in server ${guild.id}`);
      const registered = emulator.registeredCommands(guild.id) as { name: string }[];
      expect(registered.map((command) => command.name)).toEqual(['deforum']);
      expect(emulator.registeredCommands()).toEqual([]);
    });

    it('explains a missing token in one line', async () => {
      const { DISCORD_TOKEN: _token, ...withoutToken } = env();
      const run = await runDeforumAsync(['bot', 'deploy-commands'], withoutToken);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('DISCORD_TOKEN');
      expect(run.stderr).not.toMatch(STACK_TRACE);
    });

    it('refuses a guild id that is not a number', async () => {
      const run = await runDeforumAsync(['bot', 'deploy-commands', '--guild', 'my-server'], env());
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("--guild: 'my-server' is not a server id");
    });
  });

  it('deforum bot starts, logs that it is ready, and stops cleanly on SIGTERM', async () => {
    const emulator = await startDiscordEmulator();
    const db = await createTestDatabase('cli_bot');
    const storage = await mkdtemp(path.join(os.tmpdir(), 'deforum-cli-bot-'));
    try {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/deforum.js'), 'bot'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DISCORD_TOKEN: emulator.token,
          DISCORD_APPLICATION_ID: emulator.applicationId,
          DISCORD_API_URL: emulator.apiUrl,
          DATABASE_URL: db.url,
          DEFORUM_STORAGE_URL: storage,
        },
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await emulator.waitFor(() => stdout.includes('"msg":"bot ready"'), { timeoutMs: 30_000, message: stdout });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('"msg":"bot stopped"');
    } finally {
      await emulator.close();
      await dropTestDatabase(db);
      await rm(storage, { recursive: true, force: true });
    }
  }, 60_000);
});

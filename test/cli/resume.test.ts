/**
 * A stopped `deforum render` continues with `--resume` (issue 6, Done when): a real child process on the tiny ONNX
 * models is killed (SIGKILL) or interrupted (Ctrl-C) once a few frames are on disk, then resumed; every frame,
 * and the video, must match an uninterrupted render of the same settings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/core/image/codec.js';
import { probeVideo } from '../support/ffprobe.js';
import { runDeforum, STACK_TRACE } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-dirs.js';
import { writeTinyExport } from '../support/tiny-onnx.js';

const FRAMES = 8;
const INIT = path.join(REPO_ROOT, 'assets/demo-init.png');
const FRAME_FILE = /^\d{14}_\d{5}\.png$/;

function freshDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'deforum-resume-'));
}

function settingsFile(settings: Record<string, unknown>): string {
  const file = path.join(freshDir(), 'settings.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

const frameNames = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => FRAME_FILE.test(name))
    .sort();

/**
 * Starts `deforum ARGS`, sends `signal` once `frames` frames and a checkpoint are on disk in `out` (frames are
 * saved while the next one renders, so the checkpoint can trail them); resolves with its exit.
 */
function stopAfterFrames(
  args: string[],
  out: string,
  frames: number,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; framesAtSignal: number }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/deforum.js'), ...args], { cwd: REPO_ROOT });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let framesAtSignal = -1;
  const poll = setInterval(() => {
    const count = (() => {
      try {
        const names = readdirSync(out);
        return names.some((name) => name.endsWith('_checkpoint.bin')) ? frameNames(out).length : 0;
      } catch {
        return 0;
      }
    })();
    if (count >= frames && framesAtSignal < 0) {
      framesAtSignal = count;
      child.kill(signal);
    }
  }, 5);
  return new Promise((resolve) =>
    child.on('exit', (code, exitSignal) => {
      clearInterval(poll);
      resolve({ code, signal: exitSignal, stderr, framesAtSignal });
    }),
  );
}

async function expectSameFrames(dir: string, reference: string): Promise<void> {
  const names = frameNames(dir);
  const expected = frameNames(reference);
  expect(names.map((n) => n.slice(15))).toEqual(expected.map((n) => n.slice(15)));
  expect(names).toHaveLength(FRAMES);
  for (const [i, name] of names.entries()) {
    const a = await decodeImage(path.join(dir, name));
    const b = await decodeImage(path.join(reference, expected[i] ?? ''));
    expect(Buffer.from(a.data).equals(Buffer.from(b.data)), `frame ${i}`).toBe(true);
  }
}

describe('deforum render --resume', () => {
  const models = writeTinyExport(freshDir());
  // Steps make each frame slow enough (tens of ms) to be caught mid-render; cadence 3 puts the stop inside blocks.
  const settings = settingsFile({
    animation_mode: '2D',
    W: 64,
    H: 64,
    max_frames: FRAMES,
    steps: 40,
    seed: 7,
    sampler: 'euler_ancestral',
    seed_behavior: 'iter',
    diffusion_cadence: '2',
    color_coherence: 'Match Frame 0 LAB',
    noise_schedule: '0:(0.02)',
  });
  const render = (out: string): string[] => ['render', settings, '--models', models, '--init', INIT, '--out', out];

  const reference = freshDir();
  const whole = runDeforum(render(reference));

  it('a render killed with SIGKILL resumes and writes the frames of an uninterrupted render', async () => {
    expect(whole.stderr).toBe('');
    expect(whole.status).toBe(0);
    const out = freshDir();
    const killed = await stopAfterFrames(render(out), out, 3, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const left = frameNames(out).length;
    expect(left).toBeLessThan(FRAMES);
    const checkpoints = readdirSync(out).filter((name) => name.endsWith('_checkpoint.bin'));
    expect(checkpoints).toHaveLength(1);

    const resumed = runDeforum(['render', '--resume', out, '--models', models]);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    await expectSameFrames(out, reference);
    // Continued under the run's own timestring: one settings file, one video of every frame.
    const timestring = frameNames(out)[0]?.slice(0, 14) ?? '';
    expect(readdirSync(out).filter((name) => name.endsWith('_settings.txt'))).toEqual([`${timestring}_settings.txt`]);
    expect(resumed.stdout.trim()).toBe(path.join(out, `${timestring}.mp4`));
    expect(await probeVideo(path.join(out, `${timestring}.mp4`))).toMatchObject({ nb_read_frames: String(FRAMES) });
  });

  it('Ctrl-C leaves a checkpoint and prints the exact command that resumes', async () => {
    const out = freshDir();
    const stopped = await stopAfterFrames(render(out), out, 2, 'SIGINT');
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).not.toMatch(STACK_TRACE);
    const command = /Continue it with: (deforum render .*)$/m.exec(stopped.stderr)?.[1];
    expect(command).toBe(`deforum render --resume ${out} --models ${models} --init ${INIT}`);
    const resumed = runDeforum((command ?? '').split(' ').slice(1));
    expect(resumed.status).toBe(0);
    await expectSameFrames(out, reference);
  });

  it('refuses to resume with settings that would change the remaining frames, naming them', async () => {
    const out = freshDir();
    await stopAfterFrames(render(out), out, 2, 'SIGKILL');
    const changed = settingsFile({
      animation_mode: '2D',
      W: 64,
      H: 64,
      max_frames: FRAMES,
      steps: 40,
      seed: 8,
      sampler: 'heun',
    });
    const run = runDeforum(['render', changed, '--resume', out, '--models', models]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/seed: 8 \(the run had 7\)/);
    expect(run.stderr).toMatch(/sampler: "heun" \(the run had "euler_ancestral"\)/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('without --out or a settings file, says what to give', () => {
    const run = runDeforum(['render', '--models', models]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/give a settings file, or --resume DIR/);
    const none = runDeforum(['render', '--resume', freshDir(), '--models', models]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/holds no run to resume/);
  });
});

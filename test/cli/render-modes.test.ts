/**
 * `deforum render` for Video Input, Interpolation and still images with tiny models: the real bin script, sharp
 * and ffmpeg. Checks the files a user gets: extracted frames, frames, still names, the MP4's frame count.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/core/image/codec.js';
import { probeVideo } from '../support/ffprobe.js';
import { runDeforum, STACK_TRACE } from '../support/run-cli.js';
import { REPO_ROOT } from '../support/shared-dirs.js';
import { writeTinyExport } from '../support/tiny-onnx.js';

const INIT = path.join(REPO_ROOT, 'assets/demo-init.png');
const TINY = { W: 64, H: 64, steps: 2, seed: 7, sampler: 'euler' };

function freshDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'deforum-render-modes-'));
}

function settingsFile(settings: Record<string, unknown>): string {
  const file = path.join(freshDir(), 'settings.json');
  writeFileSync(file, JSON.stringify({ ...TINY, ...settings }));
  return file;
}

/** A 4-frame 96×80 test video. */
function tinyVideo(): string {
  const file = path.join(freshDir(), 'clip.mp4');
  execFileSync(process.env.FFMPEG_PATH ?? 'ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x80:rate=4:duration=1'],
    ...['-pix_fmt', 'yuv420p', file],
  ]);
  return file;
}

const videoFrames = (out: string) => readdirSync(out).filter((name) => /^\d{14}_\d{5}\.png$/.test(name));

describe('deforum render (other modes, tiny models)', () => {
  it('Video Input: extracts every 2nd frame into inputframes and renders one frame each, as an MP4', async () => {
    const models = writeTinyExport(freshDir());
    const file = settingsFile({ animation_mode: 'Video Input', extract_nth_frame: 2, max_frames: 50, strength: 0.5 });
    const out = freshDir();
    const run = runDeforum(['render', file, '--models', models, '--video', tinyVideo(), '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(path.join(out, 'inputframes')).sort()).toEqual(['00001.jpg', '00002.jpg']);
    const frames = videoFrames(out);
    expect(frames).toHaveLength(2);
    const timestring = frames[0]?.slice(0, 14) ?? '';
    expect(await probeVideo(path.join(out, `${timestring}.mp4`))).toMatchObject({ width: 64, nb_read_frames: '2' });
  });

  it('Interpolation: (P − 1)(x + 1) + 1 frames, 16-bit PNGs with bit_depth_output 16', async () => {
    const models = writeTinyExport(freshDir());
    const file = settingsFile({
      animation_mode: 'Interpolation',
      interpolate_x_frames: 1,
      prompts: { 0: 'a lake', 5: 'a forest' },
      bit_depth_output: 16,
    });
    const out = freshDir();
    const run = runDeforum(['render', file, '--models', models, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const frames = videoFrames(out).sort();
    expect(frames).toHaveLength(3);
    const timestring = frames[0]?.slice(0, 14) ?? '';
    expect(await probeVideo(path.join(out, `${timestring}.mp4`))).toMatchObject({ nb_read_frames: '3' });
    const header = execFileSync('file', [path.join(out, frames[0] ?? '')]).toString();
    expect(header).toMatch(/16-bit/);
  });

  it('None: still images named by filename_format, a grid, the settings file, and no video', async () => {
    const models = writeTinyExport(freshDir());
    const file = settingsFile({
      animation_mode: 'None',
      prompts: ['a lake', 'a forest'],
      n_batch: 2,
      make_grid: true,
      grid_rows: 1,
      filename_format: '{timestring}_{index}_{prompt}.png',
    });
    const out = freshDir();
    const run = runDeforum(['render', file, '--models', models, '--init', INIT, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const names = readdirSync(out)
      .map((name) => name.slice(15))
      .sort();
    expect(names).toEqual([
      '00000_a_lake.png',
      '00000_grid_9.png',
      '00001_a_lake.png',
      '00001_grid_11.png',
      '00002_a_forest.png',
      '00003_a_forest.png',
      'settings.txt',
    ]);
    expect(run.stdout.trim().split('\n')).toHaveLength(6);
    const grid = await decodeImage(path.join(out, readdirSync(out).find((n) => n.includes('_00000_grid_')) ?? ''));
    expect([grid.width, grid.height]).toEqual([2 * 66 + 2, 66 + 2]);
  });

  it('fails with one clear line for a Video Input whose video does not exist', () => {
    const models = writeTinyExport(freshDir());
    const file = settingsFile({ animation_mode: 'Video Input' });
    const run = runDeforum(['render', file, '--models', models, '--video', '/no/such/clip.mp4', '--out', freshDir()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Cannot extract frames from the video \/no\/such\/clip.mp4/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('2D hybrid video: extracts inputframes, renders one frame per video frame, saves hybrid extra frames', async () => {
    const models = writeTinyExport(freshDir());
    const file = settingsFile({
      animation_mode: '2D',
      max_frames: 50,
      hybrid_generate_inputframes: true,
      hybrid_motion: 'Optical Flow',
      hybrid_flow_method: 'Farneback',
      hybrid_composite: true,
      hybrid_comp_mask_type: 'Difference',
      hybrid_comp_save_extra_frames: true,
      extract_nth_frame: 2,
    });
    const out = freshDir();
    const run = runDeforum(['render', file, '--models', models, '--video', tinyVideo(), '--out', out]);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.status).toBe(0);
    expect(readdirSync(path.join(out, 'inputframes')).sort()).toEqual(['00001.jpg', '00002.jpg']);
    expect(videoFrames(out)).toHaveLength(2);
    expect(readdirSync(path.join(out, 'hybridframes')).sort()).toEqual([
      'comp00001.jpg',
      'mask00001.jpg',
      'prev00001.jpg',
    ]);
  });
});

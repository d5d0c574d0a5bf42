import { describe, expect, it } from 'vitest';
import { stillGrid } from '../../../../src/core/animation/modes/still-grid.js';
import { gridFileName, stillFileName } from '../../../../src/core/animation/modes/still-names.js';
import { renderStills } from '../../../../src/core/animation/modes/stills.js';
import type { ImageFileEvent } from '../../../../src/core/animation/render-events.js';
import { collect, flatImage, recordingGenerator, settingsWith, SIZE } from './mode-test-support.js';

const TS = '20240101120000';

describe('stillFileName', () => {
  it.each([
    ['{timestring}_{index}_{prompt}.png', 'A cat, 4k: "sunset" é', `${TS}_00007_A_cat_k_sunset_.png`],
    ['{timestring}_{index}_{seed}.png', 'A cat', `${TS}_00007_42.png`],
    ['anything else names by seed (item 49, B)', 'A cat', `${TS}_00007_42.png`],
  ])('%s', (format, prompt, name) => {
    expect(stillFileName(format, { timestring: TS, index: 7, prompt, seed: 42 })).toBe(name);
  });

  it('keeps at most 160 prompt characters; grids are named by prompt index and seed', () => {
    const name = stillFileName('{timestring}_{index}_{prompt}.png', {
      timestring: TS,
      index: 0,
      prompt: 'a'.repeat(200),
      seed: 1,
    });
    expect(name).toBe(`${TS}_00000_${'a'.repeat(160)}.png`);
    expect(gridFileName(TS, 2, 99)).toBe(`${TS}_00002_grid_99.png`);
  });
});

describe('stillGrid', () => {
  it('at most grid_rows rows, 2 px black padding (item 50 F: 3 images in 2 rows, where the original errs on 1 row)', () => {
    const grid = stillGrid([flatImage(50, 4, 4), flatImage(100, 4, 4), flatImage(150, 4, 4)], 2);
    expect([grid.width, grid.height]).toEqual([2 * 6 + 2, 2 * 6 + 2]);
    const at = (x: number, y: number) => grid.data[(y * grid.width + x) * 3];
    expect([at(0, 0), at(2, 2), at(8, 2), at(2, 8), at(8, 8)]).toEqual([0, 50, 100, 150, 0]);
    expect(stillGrid([flatImage(1, 4, 4)], 2).width).toBe(6 + 2);
  });
});

describe('renderStills', () => {
  it('prompts × n_batch × n_samples with the seed advancing per generation call; files named per image', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({
      animation_mode: 'None',
      prompts: ['a lake', 'a forest'],
      neg_prompts: ['fog'],
      n_batch: 2,
      n_samples: 2,
      seed_behavior: 'iter',
      filename_format: '{timestring}_{index}_{seed}.png',
      make_grid: true,
      grid_rows: 2,
    });
    const events = await collect(renderStills({ settings, timestring: TS, inits: [], mask: null, generate }));
    expect(requests.map((r) => [r.frame, r.seed, r.prompt, r.negativePrompt])).toEqual([
      [0, 10, 'a lake', 'fog'],
      [1, 10, 'a lake', 'fog'],
      [2, 11, 'a lake', 'fog'],
      [3, 11, 'a lake', 'fog'],
      [4, 12, 'a forest', 'fog'],
      [5, 12, 'a forest', 'fog'],
      [6, 13, 'a forest', 'fog'],
      [7, 13, 'a forest', 'fog'],
    ]);
    const files = events.filter((e): e is ImageFileEvent => e.type === 'image:file').map((e) => e.file);
    expect(files).toEqual([
      `${TS}_00000_10.png`,
      `${TS}_00001_10.png`,
      `${TS}_00002_11.png`,
      `${TS}_00003_11.png`,
      `${TS}_00000_grid_12.png`,
      `${TS}_00004_12.png`,
      `${TS}_00005_12.png`,
      `${TS}_00006_13.png`,
      `${TS}_00007_13.png`,
      `${TS}_00001_grid_14.png`,
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', frameCount: 8 });
  });

  it('each init image of a folder is its own generation at strength; save_samples off writes nothing', async () => {
    const { generate, requests } = recordingGenerator();
    const settings = settingsWith({
      animation_mode: 'None',
      prompts: ['a lake'],
      use_init: true,
      strength: 0.6,
      save_samples: false,
    });
    const events = await collect(
      renderStills({
        settings,
        timestring: TS,
        inits: [flatImage(10), flatImage(20)],
        mask: flatImage(255, SIZE, SIZE, 4),
        generate,
      }),
    );
    expect(requests.map((r) => [r.seed, r.init?.strength])).toEqual([
      [10, 0.6],
      [11, 0.6],
    ]);
    expect(events.some((e) => e.type === 'image:file')).toBe(false);
  });
});

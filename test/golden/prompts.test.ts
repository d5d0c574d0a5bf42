// Golden parity for prompts.json: Prompts(...).as_dict(), the per-frame cond/uncond of the real render_animation,
// and the prompt/seed pairs of render_image_batch. Tolerance: exact. as_list()/as_string() are recorded too but
// the notebook never calls them, so the engine has no counterpart to compare.
import { describe, expect, it } from 'vitest';
import { nextSeed } from '../../src/core/animation/seeds.js';
import {
  normalisePrompts,
  pairBatchPrompts,
  promptsPerFrame,
  type PromptSetting,
} from '../../src/core/schedule/prompts.js';
import { readGoldenJson } from '../support/golden.js';

type GoldenPrompt = string | string[] | [number | string, string][];

interface AnimationCase {
  id: string;
  prompts: GoldenPrompt;
  neg_prompts: GoldenPrompt;
  max_frames: number;
  as_dict: { cond: [number, string][]; uncond: [number, string][] };
  per_frame: { frame: number; cond: string; uncond: string }[];
}

interface BatchCase {
  id: string;
  prompts: GoldenPrompt;
  neg_prompts: GoldenPrompt;
  n_batch: number;
  seed: number;
  generate_calls: { seed: number; cond: string; uncond: string }[];
}

const golden = readGoldenJson<{ cases: AnimationCase[]; image_batch_mode: BatchCase[] }>('prompts.json');

/** Python dicts are stored as [key, value] pairs so that their order survives JSON. */
function toSetting(value: GoldenPrompt): PromptSetting {
  if (typeof value === 'string') return value;
  // An empty dict and an empty list both arrive as [] and normalise alike ({0: ""}).
  return isPairs(value) ? new Map(value) : value;
}

function isPairs(value: string[] | [number | string, string][]): value is [number | string, string][] {
  return value.some((item) => Array.isArray(item));
}

describe('golden prompts.json: animation prompts', () => {
  it.each(golden.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const tables = normalisePrompts(toSetting(c.prompts), toSetting(c.neg_prompts));
    expect([...tables.cond], 'as_dict cond').toEqual(c.as_dict.cond);
    expect([...tables.uncond], 'as_dict uncond').toEqual(c.as_dict.uncond);

    const perFrame = promptsPerFrame(tables, c.max_frames);
    expect(perFrame).toHaveLength(c.max_frames);
    for (const expected of c.per_frame) {
      expect(perFrame[expected.frame], `frame ${expected.frame}`).toEqual({
        cond: expected.cond,
        uncond: expected.uncond,
      });
    }
  });
});

describe('golden prompts.json: still-image batch', () => {
  it.each(golden.image_batch_mode.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const pairs = pairBatchPrompts(normalisePrompts(toSetting(c.prompts), toSetting(c.neg_prompts)));
    // render_image_batch: n_batch generations per prompt, each followed by next_seed (default seed_behavior iter).
    let state = { seed: c.seed, seedInternal: 0 };
    const calls = pairs.flatMap((pair) =>
      Array.from({ length: c.n_batch }, () => {
        const call = { seed: state.seed, ...pair };
        state = nextSeed(state, { behavior: 'iter', iterN: 1 });
        return call;
      }),
    );
    expect(calls).toEqual(c.generate_calls);
  });
});

import { describe, expect, it } from 'vitest';
import { DeforumError } from '../../../src/core/errors.js';
import {
  normalisePrompts,
  pairBatchPrompts,
  promptsPerFrame,
  type PromptSetting,
} from '../../../src/core/schedule/prompts.js';

const dict = (...entries: [number | string, string][]): PromptSetting => new Map(entries);
const entries = (setting: PromptSetting, neg?: PromptSetting) => {
  const t = normalisePrompts(setting, neg);
  return { cond: [...t.cond], uncond: [...t.uncond] };
};

describe('normalisePrompts (Prompts.as_dict)', () => {
  it.each<[string, PromptSetting, PromptSetting | undefined, [number, string][], [number, string][]]>([
    ['string', 'a cat', undefined, [[0, 'a cat']], [[0, '']]],
    [
      'list: index becomes the frame',
      ['a', 'b'],
      ['n'],
      [
        [0, 'a'],
        [1, 'b'],
      ],
      [[0, 'n']],
    ],
    [
      'dict kept in file order',
      dict([8, 'b'], [0, 'a']),
      dict([0, 'n']),
      [
        [8, 'b'],
        [0, 'a'],
      ],
      [[0, 'n']],
    ],
    [
      'string neg keyed by the first cond key',
      dict([5, 'a'], [2, 'b']),
      'neg',
      [
        [5, 'a'],
        [2, 'b'],
      ],
      [[5, 'neg']],
    ],
    ['missing neg keyed by the first cond key', dict([3, 'a']), undefined, [[3, 'a']], [[3, '']]],
    ['empty dict and empty list become {0: ""}', dict(), [], [[0, '']], [[0, '']]],
    ['empty neg dict is keyed 0, not by the cond key', dict([4, 'a']), dict(), [[4, 'a']], [[0, '']]],
    [
      'string keys are coerced to integers',
      dict(['0', 'a'], [' 7 ', 'b'], ['+3', 'c']),
      undefined,
      [
        [0, 'a'],
        [7, 'b'],
        [3, 'c'],
      ],
      [[0, '']],
    ],
    [
      'a repeated key keeps its first position and last text',
      dict([0, 'a'], [5, 'b'], ['0', 'c']),
      undefined,
      [
        [0, 'c'],
        [5, 'b'],
      ],
      [[0, '']],
    ],
    // No weighting in v0.7.1: weights are plain text for the encoder.
    ['weights stay text', '(cat:1.3) dog:0.5', undefined, [[0, '(cat:1.3) dog:0.5']], [[0, '']]],
  ])('%s', (_name, prompts, neg, cond, uncond) => {
    expect(entries(prompts, neg)).toEqual({ cond, uncond });
  });

  it('rejects negative, fractional and non-numeric keys in one error that names the setting', () => {
    const call = (): unknown => normalisePrompts(dict([0, 'a'], [-2, 'b'], [1.5, 'c']), dict(['ten', 'n']));
    expect(call).toThrow(DeforumError);
    try {
      call();
    } catch (err) {
      expect(err).toBeInstanceOf(DeforumError);
      const details = (err as DeforumError).details;
      expect(details.code).toBe('settings_invalid');
      expect(details.code === 'settings_invalid' && details.issues.map((i) => [i.setting, i.given])).toEqual([
        ['prompts', '-2'],
        ['prompts', '1.5'],
        ['neg_prompts', 'ten'],
      ]);
    }
  });
});

describe('promptsPerFrame', () => {
  const perFrame = (prompts: PromptSetting, maxFrames: number, neg?: PromptSetting) =>
    promptsPerFrame(normalisePrompts(prompts, neg), maxFrames).map((p) => `${p.cond}|${p.uncond}`);

  it('switches on the key frame, not one frame early or late', () => {
    expect(perFrame(dict([0, 'a'], [3, 'b']), 5, dict([0, 'x'], [4, 'y']))).toEqual([
      'a|x',
      'a|x',
      'a|x',
      'b|x',
      'b|y',
    ]);
  });

  it('frames before the first key take the first prompt (bfill)', () => {
    expect(perFrame(dict([2, 'late'], [4, 'later']), 5)).toEqual(['late|', 'late|', 'late|', 'late|', 'later|']);
  });

  it('uses keys in frame order whatever the file order', () => {
    expect(perFrame(dict([4, 'c'], [0, 'a'], [2, 'b']), 5)).toEqual(['a|', 'a|', 'b|', 'b|', 'c|']);
  });

  it('ignores a key ≥ max_frames when another key is inside the animation', () => {
    expect(perFrame(dict([1, 'a'], [9, 'never']), 3)).toEqual(['a|', 'a|', 'a|']);
  });

  it('with only keys ≥ max_frames, takes the first of them in file order (pandas appends them)', () => {
    expect(perFrame(dict([30, 'first'], [20, 'second']), 2, 'n')).toEqual(['first|n', 'first|n']);
  });

  it('a list prompt changes every frame, then holds its last item', () => {
    expect(perFrame(['a', 'b'], 4)).toEqual(['a|', 'b|', 'b|', 'b|']);
  });

  it('covers max_frames exactly', () => {
    expect(perFrame('x', 0)).toEqual([]);
    expect(perFrame('x', 1)).toEqual(['x|']);
  });

  it('refuses an empty table it did not normalise', () => {
    expect(() => promptsPerFrame({ cond: new Map(), uncond: new Map([[0, '']]) }, 3)).toThrow(DeforumError);
  });
});

describe('pairBatchPrompts', () => {
  const pairs = (prompts: PromptSetting, neg?: PromptSetting) =>
    pairBatchPrompts(normalisePrompts(prompts, neg)).map((p) => `${p.cond}|${p.uncond}`);

  it.each<[string, PromptSetting, PromptSetting | undefined, string[]]>([
    ['values in file order, keys ignored', dict([10, 'b'], [0, 'a']), dict([0, 'n']), ['b|n', 'a|n']],
    ['a short neg list is padded with its last item', ['a', 'b', 'c'], ['n1', 'n2'], ['a|n1', 'b|n2', 'c|n2']],
    ['a long neg list is cut', ['a'], ['n1', 'n2'], ['a|n1']],
    ['a string neg applies to every prompt', ['a', 'b'], 'n', ['a|n', 'b|n']],
    ['no neg gives empty negatives', 'a', undefined, ['a|']],
  ])('%s', (_name, prompts, neg, expected) => {
    expect(pairs(prompts, neg)).toEqual(expected);
  });
});

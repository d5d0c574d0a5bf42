import { describe, expect, it } from 'vitest';
import { splitNegativePrompt } from '../../../src/core/schedule/negative-prompt.js';

describe('splitNegativePrompt', () => {
  it.each<[string, string, string]>([
    ['a lake at dawn', 'a lake at dawn', ''],
    ['a lake at dawn --neg blurry, text', 'a lake at dawn', 'blurry, text'],
    ['  a lake --neg  blurry  ', 'a lake', 'blurry'],
    ['a lake--negblurry', 'a lake', 'blurry'],
    ['--neg only negative', '', 'only negative'],
    ['a lake --neg', 'a lake', ''],
    // The extension joins every part after the first marker with no separator.
    ['a --neg b --neg c', 'a', 'b  c'],
    // The marker is found inside words too, as in the extension.
    ['a lake --negative blurry', 'a lake', 'ative blurry'],
    ['', '', ''],
  ])('%j', (text, prompt, negative) => {
    expect(splitNegativePrompt(text)).toEqual({ prompt, negative });
  });
});

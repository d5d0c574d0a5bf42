// Golden parity for tokenizer.json: the 77 CLIP ids the notebook's FrozenCLIPEmbedder feeds the text encoder, for
// 31 prompts (defaults, whitespace, weights syntax, CJK, emoji, literal special tokens, 75/76/long prompts).
// Tolerance: exact. The tokenizer files are the golden ones (tokenizer/tokenizer.json + tokenizer_config.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClipTokenizer } from '../../src/core/diffusion/tokenizer/clip-tokenizer.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';

interface TokenizerCase {
  id: string;
  text: string;
  input_ids: number[];
  truncated: boolean;
  overflow_tokens: string[];
}

const golden = readGoldenJson<{ cases: TokenizerCase[] }>('tokenizer.json');
const tokenizer = createClipTokenizer({
  tokenizerJson: JSON.parse(readFileSync(goldenPath('tokenizer', 'tokenizer.json'), 'utf8')) as object,
  tokenizerConfig: JSON.parse(readFileSync(goldenPath('tokenizer', 'tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >,
});

describe('golden tokenizer.json', () => {
  it('has the 31 prompts this test was written for', () => {
    expect(golden.cases).toHaveLength(31);
  });

  it.each(golden.cases.map((c) => [c.id, c] as const))('%s: ids as the notebook', (_id, c) => {
    const result = tokenizer.encode(c.text);
    expect(result.chunks).toHaveLength(1);
    expect([...(result.chunks[0] ?? [])], `prompt ${JSON.stringify(c.text)}`).toEqual(c.input_ids);
    expect(result.truncatedAt !== undefined, 'truncation reported exactly when text was cut').toBe(c.truncated);
  });
});

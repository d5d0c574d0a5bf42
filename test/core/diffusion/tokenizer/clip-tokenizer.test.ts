// Truncation notice, A1111-style chunking, SD2 padding, and tokenizer.json rebuilt from vocab.json + merges.txt.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClipTokenizer } from '../../../../src/core/diffusion/tokenizer/clip-tokenizer.js';
import { clipTokenizerJson } from '../../../../src/core/diffusion/tokenizer/tokenizer-json.js';
import { goldenPath } from '../../../support/golden.js';

const tokenizerJson = JSON.parse(readFileSync(goldenPath('tokenizer', 'tokenizer.json'), 'utf8')) as {
  model: { vocab: Record<string, number>; merges: string[] };
};
const tokenizerConfig = JSON.parse(readFileSync(goldenPath('tokenizer', 'tokenizer_config.json'), 'utf8')) as Record<
  string,
  unknown
>;
const tokenizer = createClipTokenizer({ tokenizerJson, tokenizerConfig });

describe('clip tokenizer', () => {
  it('says where a long prompt was cut', () => {
    const text = `${'cat '.repeat(74)}dog bird fish`;
    const result = tokenizer.encode(text);
    expect(result.chunks[0]?.[76]).toBe(49407);
    expect(result.truncatedAt).toBe(
      'The prompt is 77 tokens long; CLIP reads 75, so it was cut after "…cat cat cat cat dog" and "bird fish" (2 tokens) is ignored.',
    );
  });

  it('chunks a long prompt into 75-token windows when asked', () => {
    const result = tokenizer.encode(`${'cat '.repeat(74)}dog bird fish`, { chunked: true });
    expect(result.truncatedAt).toBeUndefined();
    expect(result.chunks).toHaveLength(2);
    expect([...(result.chunks[1] ?? []).slice(0, 5)]).toEqual([
      49406,
      tokenizer.encode('bird').chunks[0]?.[1],
      tokenizer.encode('fish').chunks[0]?.[1],
      49407,
      49407,
    ]);
    expect(tokenizer.encode('a cat', { chunked: true }).chunks).toHaveLength(1);
  });

  it('pads with the configured pad token (SD2: "!" = 0)', () => {
    const sd2 = createClipTokenizer({ tokenizerJson, tokenizerConfig: { ...tokenizerConfig, pad_token: '!' } });
    expect([...(sd2.encode('a cat').chunks[0] ?? []).slice(0, 6)]).toEqual([49406, 320, 2368, 49407, 0, 0]);
  });

  it('builds the same tokenizer from vocab.json + merges.txt', () => {
    const rebuilt = createClipTokenizer({
      tokenizerJson: clipTokenizerJson(
        tokenizerJson.model.vocab,
        `#version: 0.2\n${tokenizerJson.model.merges.join('\n')}\n`,
      ),
      tokenizerConfig,
    });
    for (const text of ['a beautiful lake by Asher Brown Durand', 'Ça va? 東京 🐈‍⬛ (red:1.2)', '']) {
      expect(rebuilt.encode(text).chunks).toEqual(tokenizer.encode(text).chunks);
    }
  });
});

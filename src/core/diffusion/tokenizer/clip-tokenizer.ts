/**
 * CLIP tokenization as the notebook's `FrozenCLIPEmbedder` does it: `CLIPTokenizer(text, truncation=True,
 * max_length=77, padding="max_length")`, i.e. ids = [BOS] + bpe[:75] + [EOS], padded to 77 with the export's pad
 * token (`<|endoftext|>` for SD1's OpenAI CLIP, `!` = 0 for SD2's OpenCLIP). The BPE itself is
 * @huggingface/tokenizers on the export's tokenizer.json, which matched the reference on 31 of 31 golden prompts.
 * Optional Automatic1111-style chunking (docs/deviations.md) keeps text past 75 tokens in further 77-token windows.
 */
import { Tokenizer } from '@huggingface/tokenizers';

export const CONTEXT_LENGTH = 77;
const WINDOW = CONTEXT_LENGTH - 2;
const RECENT_PROMPTS = 16;

export interface TokenizerFiles {
  /** Parsed tokenizer.json. */
  tokenizerJson: object;
  /** Parsed tokenizer_config.json. */
  tokenizerConfig: Record<string, unknown>;
}

export interface TokenizedPrompt {
  /** One window of 77 ids per chunk; exactly one unless chunking is on and the prompt is long. */
  chunks: Int32Array[];
  /** Set when text was cut: where, in words, for the caller to log. */
  truncatedAt?: string;
}

export interface ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  /** `chunked: true` splits a long prompt into 75-token windows instead of truncating it. */
  encode(text: string, options?: { chunked?: boolean }): TokenizedPrompt;
}

export function createClipTokenizer(files: TokenizerFiles): ClipTokenizer {
  const tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
  const idOf = (key: string, fallback: string): number => {
    const token = tokenName(files.tokenizerConfig[key]) ?? fallback;
    const id = tokenizer.token_to_id(token);
    if (id === undefined) throw new RangeError(`tokenizer: the ${key} '${token}' is not in the vocabulary`);
    return id;
  };
  const bosId = idOf('bos_token', '<|startoftext|>');
  const eosId = idOf('eos_token', '<|endoftext|>');
  const padId = idOf('pad_token', '<|endoftext|>');

  const window = (bpe: readonly number[]): Int32Array => {
    const ids = new Int32Array(CONTEXT_LENGTH).fill(padId);
    ids[0] = bosId;
    ids.set(bpe, 1);
    ids[bpe.length + 1] = eosId;
    return ids;
  };

  // An animation tokenizes the same prompts frame after frame (0.03–0.5 ms a prompt here, the upper end in the
  // profile of bench/diffusion.bench.ts on a loaded machine): the last few are kept. Callers only read the windows.
  const recent = new Map<string, TokenizedPrompt>();
  const encode = (text: string, chunked: boolean): TokenizedPrompt => {
    const key = `${chunked ? 'c' : 't'}${text}`;
    const known = recent.get(key);
    if (known !== undefined) return known;
    const tokenized = tokenize(text, chunked);
    if (recent.size >= RECENT_PROMPTS) recent.delete(recent.keys().next().value as string);
    recent.set(key, tokenized);
    return tokenized;
  };
  const tokenize = (text: string, chunked: boolean): TokenizedPrompt => {
    const bpe = tokenizer.encode(text, { add_special_tokens: false }).ids;
    if (chunked && bpe.length > WINDOW) {
      const chunks: Int32Array[] = [];
      for (let start = 0; start < bpe.length; start += WINDOW) chunks.push(window(bpe.slice(start, start + WINDOW)));
      return { chunks };
    }
    if (bpe.length <= WINDOW) return { chunks: [window(bpe)] };
    const kept = tokenizer.decode(bpe.slice(Math.max(0, WINDOW - 5), WINDOW)).trim();
    const dropped = tokenizer.decode(bpe.slice(WINDOW)).trim();
    return {
      chunks: [window(bpe.slice(0, WINDOW))],
      truncatedAt:
        `The prompt is ${bpe.length} tokens long; CLIP reads 75, so it was cut after "…${kept}" ` +
        `and "${dropped}" (${bpe.length - WINDOW} tokens) is ignored.`,
    };
  };
  return { bosId, eosId, padId, encode: (text, options = {}) => encode(text, options.chunked === true) };
}

function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'content' in value && typeof value.content === 'string') {
    return value.content;
  }
  return undefined;
}

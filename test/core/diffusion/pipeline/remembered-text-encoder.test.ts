import { describe, expect, it } from 'vitest';
import type { TextEncoder } from '../../../../src/core/diffusion/models/text-encoder.js';
import { rememberingTextEncoder } from '../../../../src/core/diffusion/pipeline/remembered-text-encoder.js';
import { latent } from '../../../../src/core/diffusion/tensor.js';
import type { TokenizedPrompt } from '../../../../src/core/diffusion/tokenizer/clip-tokenizer.js';

const prompt = (...ids: number[][]): TokenizedPrompt => ({ chunks: ids.map((window) => Int32Array.from(window)) });

/** An encoder whose embedding is the sum of the ids, counting its calls; `fail` makes the next call reject. */
function countingEncoder(): { encoder: TextEncoder; calls: string[]; fail: { next: boolean } } {
  const calls: string[] = [];
  const fail = { next: false };
  const encoder: TextEncoder = {
    hiddenSize: 1,
    encode(tokens) {
      calls.push(tokens.chunks.map((chunk) => chunk.join(',')).join(';'));
      if (fail.next) {
        fail.next = false;
        return Promise.reject(new Error('encoder failed'));
      }
      const sum = tokens.chunks.reduce((total, chunk) => total + chunk.reduce((a, b) => a + b, 0), 0);
      return Promise.resolve(latent([1, 1, 1], Float32Array.of(sum)));
    },
  };
  return { encoder, calls, fail };
}

describe('rememberingTextEncoder', () => {
  it('answers a repeated prompt with the same embedding, without a model call', async () => {
    const { encoder, calls } = countingEncoder();
    const remembering = rememberingTextEncoder(encoder);
    const first = await remembering.encode(prompt([1, 2, 3]));
    const again = await remembering.encode(prompt([1, 2, 3]));
    expect(again).toBe(first);
    expect(calls).toEqual(['1,2,3']);
  });

  it('tells windows apart: the same ids split differently are another prompt', async () => {
    const { encoder, calls } = countingEncoder();
    const remembering = rememberingTextEncoder(encoder);
    await remembering.encode(prompt([1, 2], [3]));
    await remembering.encode(prompt([1], [2, 3]));
    await remembering.encode(prompt([1, 2, 3]));
    expect(calls).toEqual(['1,2;3', '1;2,3', '1,2,3']);
  });

  it('forgets the least recently used prompt beyond its capacity', async () => {
    const { encoder, calls } = countingEncoder();
    const remembering = rememberingTextEncoder(encoder, 2);
    await remembering.encode(prompt([1]));
    await remembering.encode(prompt([2]));
    await remembering.encode(prompt([1])); // [1] is now the most recent
    await remembering.encode(prompt([3])); // forgets [2]
    await remembering.encode(prompt([1]));
    await remembering.encode(prompt([2]));
    expect(calls).toEqual(['1', '2', '3', '2']);
  });

  it('does not remember a failed encoding', async () => {
    const { encoder, calls, fail } = countingEncoder();
    const remembering = rememberingTextEncoder(encoder);
    fail.next = true;
    await expect(remembering.encode(prompt([7]))).rejects.toThrow('encoder failed');
    const retried = await remembering.encode(prompt([7]));
    expect(retried.data[0]).toBe(7);
    expect(calls).toEqual(['7', '7']);
  });
});

/**
 * A text encoder that remembers its last few embeddings: an animation asks for the same prompt pair on every frame
 * until the next prompt keyframe, and the encoder is deterministic, so a repeat is answered without a model call
 * (issue 6, "Speed": the encoding sat between one frame's decode and the next frame's first model call). The
 * embedding is shared between the frames that ask for it; nothing downstream writes into it.
 */
import type { TextEncoder } from '../models/text-encoder.js';
import type { Latent } from '../tensor.js';
import type { TokenizedPrompt } from '../tokenizer/clip-tokenizer.js';

/** A prompt and a negative prompt, each maybe blended towards the next pair's (interpolation): four at most. */
const REMEMBERED = 4;

export function rememberingTextEncoder(encoder: TextEncoder, capacity = REMEMBERED): TextEncoder {
  // Insertion order is use order: a hit moves its entry to the end, the first entry is the least recently used.
  const remembered = new Map<string, Promise<Latent>>();
  return {
    hiddenSize: encoder.hiddenSize,
    encode(prompt: TokenizedPrompt) {
      const key = prompt.chunks.map((chunk) => chunk.join(',')).join(';');
      const known = remembered.get(key);
      if (known !== undefined) {
        remembered.delete(key);
        remembered.set(key, known);
        return known;
      }
      const encoding = encoder.encode(prompt);
      remembered.set(key, encoding);
      // A failed encoding is not remembered: the next request tries again.
      encoding.catch(() => remembered.get(key) === encoding && remembered.delete(key));
      for (const oldest of remembered.keys()) {
        if (remembered.size <= capacity) break;
        remembered.delete(oldest);
      }
      return encoding;
    },
  };
}

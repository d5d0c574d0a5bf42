/**
 * The CLIP text encoder of an export: token windows → `last_hidden_state` (the conditioning the UNet
 * cross-attends to). Each prompt is encoded on its own, as `get_learned_conditioning` does; chunked prompts
 * (A1111 style) are encoded window by window and concatenated along the sequence axis.
 */
import type { ModelSession } from '../onnx/model-session.js';
import { latent, type Latent } from '../tensor.js';
import type { TokenizedPrompt } from '../tokenizer/clip-tokenizer.js';
import { fixedDim, requireInput, requireOutput } from './model-io.js';

export interface TextEncoder {
  /** The width of the embedding (768 for SD1, 1024 for SD2), when the export fixes it. */
  readonly hiddenSize: number | undefined;
  /** → [1, 77·chunks, hiddenSize] */
  encode(prompt: TokenizedPrompt): Promise<Latent>;
}

export function createTextEncoder(session: ModelSession): TextEncoder {
  const ids = requireInput(session, { names: ['input_ids'], types: ['int32', 'int64'], rank: 2 });
  const hidden = requireOutput(session, { names: ['last_hidden_state'], types: ['float32', 'float16'], rank: 3 });
  const hiddenSize = fixedDim(hidden, 2);
  return {
    hiddenSize,
    async encode(prompt) {
      const windows: Latent[] = [];
      for (const chunk of prompt.chunks) {
        const out = await session.run({ [ids.name]: { kind: 'int', dims: [1, chunk.length], data: chunk } });
        const state = out[hidden.name];
        if (state === undefined) throw new Error(`${session.model}: no '${hidden.name}' in the outputs`);
        windows.push(state);
      }
      const width = windows[0]?.shape[2] ?? 1;
      const data = new Float32Array(windows.reduce((sum, window) => sum + window.data.length, 0));
      let offset = 0;
      for (const window of windows) {
        data.set(window.data, offset);
        offset += window.data.length;
      }
      return latent([1, data.length / width, width], data);
    },
  };
}

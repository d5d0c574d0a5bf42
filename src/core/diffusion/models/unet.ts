/**
 * The UNet of an export: (x, t, context) → the model output (ε, or v for v-prediction checkpoints; the denoiser
 * turns either into x0). One call per batch: the denoiser (denoiser.ts) decides whether uncond and cond share one
 * call on the batch cat([uncond, cond]) as the notebook does with `cond_uncond_sync` (§19), which `batchesPair`
 * says the export allows; otherwise it makes two calls.
 * The timestep's dtype and shape come from the export: diffusers declares float [batch], optimum int64 [batch],
 * some exports [1] or a scalar. An integer timestep gets t rounded (k-diffusion's t is fractional; docs/deviations.md).
 */
import type { Feed, ModelSession, TensorSpec } from '../onnx/model-session.js';
import type { Latent } from '../tensor.js';
import { fixedDim, requireInput, requireOutput } from './model-io.js';

export interface UNet {
  /** Whether the export takes a batch of 2, so uncond and cond can share one call. */
  readonly batchesPair: boolean;
  /** The context width the export declares (768 SD1, 1024 SD2), when fixed. */
  readonly contextSize: number | undefined;
  /**
   * x: [batch, 4, h, w] already scaled by c_in; context: [batch, seq, width]; every element at timestep t. The
   * context is never changed in place once passed: a worker host sends an array it has seen before only once.
   */
  predict(x: Latent, t: number, context: Latent): Promise<Latent>;
}

export function createUNet(session: ModelSession): UNet {
  const sample = requireInput(session, { names: ['sample'], types: ['float32', 'float16'], rank: 4 });
  const timestep = requireInput(session, {
    names: ['timestep'],
    types: ['float32', 'float16', 'int64', 'int32'],
    rank: [0, 1],
  });
  const context = requireInput(session, {
    names: ['encoder_hidden_states'],
    types: ['float32', 'float16'],
    rank: 3,
  });
  const output = requireOutput(session, { names: ['out_sample'], types: ['float32', 'float16'], rank: 4 });
  const fixedBatch = fixedDim(sample, 0);
  const batchesPair = fixedBatch === undefined || fixedBatch >= 2;

  return {
    batchesPair,
    contextSize: fixedDim(context, 2),
    async predict(x, t, contexts) {
      const batch = x.shape[0] ?? 1;
      const out = await session.run({
        [sample.name]: { kind: 'float', dims: x.shape, data: x.data },
        [timestep.name]: timestepFeed(timestep, batch, t),
        [context.name]: { kind: 'float', dims: contexts.shape, data: contexts.data, constant: true },
      });
      const result = out[output.name];
      if (result === undefined) throw new Error(`${session.model}: no '${output.name}' in the outputs`);
      return result;
    },
  };
}

function timestepFeed(spec: TensorSpec, batch: number, t: number): Feed {
  const count = spec.dims.length === 0 || fixedDim(spec, 0) === 1 ? 1 : batch;
  const dims = spec.dims.length === 0 ? [] : [count];
  if (spec.type === 'int64' || spec.type === 'int32') {
    return { kind: 'int', dims, data: new Int32Array(count).fill(Math.round(t)) };
  }
  return { kind: 'float', dims, data: new Float32Array(count).fill(t) };
}

/**
 * The UNet of an export: (x, t, context) → the model output (ε, or v for v-prediction checkpoints; the denoiser
 * turns either into x0). The unconditional and conditional passes share one call on the batch cat([uncond, cond])
 * as the notebook does with `cond_uncond_sync` (§19), when the export's batch dimension allows 2; otherwise two calls.
 * The timestep's dtype and shape come from the export: diffusers declares float [batch], optimum int64 [batch],
 * some exports [1] or a scalar. An integer timestep gets t rounded (k-diffusion's t is fractional; docs/deviations.md).
 */
import type { Feed, ModelSession, TensorSpec } from '../onnx/model-session.js';
import { latent, type Latent } from '../tensor.js';
import { fixedDim, requireInput, requireOutput } from './model-io.js';

export interface GuidancePair {
  uncond: Latent;
  cond: Latent;
}

export interface UNet {
  /** Whether uncond and cond run as one batch of 2. */
  readonly batchesPair: boolean;
  /** The context width the export declares (768 SD1, 1024 SD2), when fixed. */
  readonly contextSize: number | undefined;
  /** x: [1, 4, h, w] already scaled by c_in; contexts: [1, seq, width]. */
  predictPair(x: Latent, t: number, uncond: Latent, cond: Latent): Promise<GuidancePair>;
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

  const run = async (x: Latent, batch: number, t: number, contexts: Latent): Promise<Latent> => {
    const out = await session.run({
      [sample.name]: { kind: 'float', dims: [batch, ...x.shape.slice(1)], data: x.data },
      [timestep.name]: timestepFeed(timestep, batch, t),
      [context.name]: { kind: 'float', dims: contexts.shape, data: contexts.data },
    });
    const result = out[output.name];
    if (result === undefined) throw new Error(`${session.model}: no '${output.name}' in the outputs`);
    return result;
  };

  return {
    batchesPair,
    contextSize: fixedDim(context, 2),
    async predictPair(x, t, uncond, cond) {
      if (!batchesPair || uncond.shape[1] !== cond.shape[1]) {
        return { uncond: await run(x, 1, t, uncond), cond: await run(x, 1, t, cond) };
      }
      const out = await run(latent([2, ...x.shape.slice(1)], concat(x.data, x.data)), 2, t, concatBatch(uncond, cond));
      const half = out.data.length / 2;
      const shape = [1, ...out.shape.slice(1)];
      return { uncond: { shape, data: out.data.subarray(0, half) }, cond: { shape, data: out.data.subarray(half) } };
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

function concat(a: Float32Array, b: Float32Array): Float32Array<ArrayBuffer> {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function concatBatch(first: Latent, second: Latent): Latent {
  return latent([2, ...first.shape.slice(1)], concat(first.data, second.data));
}

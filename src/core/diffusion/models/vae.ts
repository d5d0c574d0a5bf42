/**
 * The VAE of an export. Encoding samples the posterior as the original does (spec §2, §24 item 37 B):
 * latent = (mean + exp(logvar/2)·N(0,1)) · scalingFactor, with logvar clamped to [-30, 20] like
 * `DiagonalGaussianDistribution`, and the N(0,1) drawn from the caller's generator. Decoding divides by the
 * scaling factor first and returns the sample tensor in [-1, 1] (not clamped: Deforum carries it between frames).
 */
import type { ModelSession } from '../onnx/model-session.js';
import type { Rng } from '../rng.js';
import { latent, type Latent } from '../tensor.js';
import { requireInput, requireOutput } from './model-io.js';

/** SD1/SD2's `vae.config.scaling_factor`, used when the export carries no VAE config. */
export const DEFAULT_VAE_SCALING_FACTOR = 0.18215;

export interface VaeEncoder {
  /** image: [1, 3, H, W] in [-1, 1] → scaled latent [1, 4, H/8, W/8]; draws one N(0,1) latent from `rng`. */
  encode(image: Latent, rng: Rng): Promise<Latent>;
}

export interface VaeDecoder {
  /** scaled latent [1, 4, h, w] → sample [1, 3, 8h, 8w]. */
  decode(latentIn: Latent): Promise<Latent>;
}

export function createVaeEncoder(session: ModelSession, scalingFactor: number): VaeEncoder {
  const input = requireInput(session, { names: ['sample'], types: ['float32', 'float16'], rank: 4 });
  const output = requireOutput(session, {
    names: ['latent_sample', 'latent_parameters'],
    types: ['float32', 'float16'],
    rank: 4,
  });
  return {
    async encode(image, rng) {
      const out = (await session.run({ [input.name]: { kind: 'float', dims: image.shape, data: image.data } }))[
        output.name
      ];
      if (out === undefined) throw new Error(`${session.model}: no '${output.name}' in the outputs`);
      const [batch = 1, channels = 0, height = 0, width = 0] = out.shape;
      const shape = [batch, 4, height, width];
      const noise = rng.randn(shape);
      const result = new Float32Array(noise.length);
      if (channels === 8) {
        const plane = 4 * height * width;
        for (let i = 0; i < plane; i++) {
          const mean = out.data[i] ?? 0;
          const logvar = Math.min(20, Math.max(-30, out.data[plane + i] ?? 0));
          result[i] = (mean + Math.exp(0.5 * logvar) * (noise[i] ?? 0)) * scalingFactor;
        }
      } else {
        // The diffusers exporter samples inside the graph (4 channels out). The draw above still happens so the
        // seed's later draws (start noise) line up with the reference; docs/deviations.md.
        for (let i = 0; i < result.length; i++) result[i] = (out.data[i] ?? 0) * scalingFactor;
      }
      return latent(shape, result);
    },
  };
}

export function createVaeDecoder(session: ModelSession, scalingFactor: number): VaeDecoder {
  const input = requireInput(session, { names: ['latent_sample'], types: ['float32', 'float16'], rank: 4 });
  const output = requireOutput(session, { names: ['sample'], types: ['float32', 'float16'], rank: 4 });
  return {
    async decode(latentIn) {
      const scaled = new Float32Array(latentIn.data.length);
      for (let i = 0; i < scaled.length; i++) scaled[i] = (latentIn.data[i] as number) / scalingFactor;
      const out = (await session.run({ [input.name]: { kind: 'float', dims: latentIn.shape, data: scaled } }))[
        output.name
      ];
      if (out === undefined) throw new Error(`${session.model}: no '${output.name}' in the outputs`);
      return out;
    },
  };
}

/**
 * `decode_method = 'linear'` (spec §18): per latent pixel, rgb = latent(4) · F with Deforum's fixed 4×3 matrix
 * (`linear_decode`), giving an approximate [-1, 1] RGB image at latent resolution. Being linear, its
 * vector–Jacobian product is the same matrix transposed, so losses need no autodiff. The VAE decoder
 * (`decode_method = 'autoencoder'`) would implement `DifferentiableDecoder` over an exported gradient graph.
 */
import type { Latent } from '../tensor.js';
import type { DecodedImage } from './image-loss.js';

/** Rows: latent channels 0..3; columns: R, G, B. */
export const LINEAR_DECODE_FACTORS: readonly (readonly [number, number, number])[] = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];

/**
 * Decodes a prediction to RGB and pulls an image gradient back to the prediction. An implementation may return
 * its own buffers, overwritten by its next call: a caller uses each result before calling again.
 */
export interface DifferentiableDecoder {
  decode(prediction: Latent): DecodedImage | Promise<DecodedImage>;
  /** The gradient on `prediction` for `imageGradient` on its decoded image (the vector–Jacobian product). */
  pullback(prediction: Latent, imageGradient: Float64Array): Float64Array | Promise<Float64Array>;
}

const F = LINEAR_DECODE_FACTORS.flat();

type LatentLike = { shape: readonly number[]; data: ArrayLike<number> };

export function linearDecode(prediction: LatentLike): DecodedImage {
  const [batch = 1, , height = 1, width = 1] = prediction.shape;
  return decodeInto(prediction, new Float64Array(batch * 3 * height * width));
}

function decodeInto(prediction: LatentLike, out: Float64Array): DecodedImage {
  const [batch = 1, channels = 4, height = 1, width = 1] = prediction.shape;
  if (channels !== 4) throw new RangeError(`linear decoding needs a 4-channel latent, got ${channels} channels`);
  const n = height * width;
  const x = prediction.data;
  for (let b = 0; b < batch; b++) {
    const from = b * 4 * n;
    const to = b * 3 * n;
    for (let k = 0; k < 3; k++) {
      const f0 = F[k] as number;
      const f1 = F[3 + k] as number;
      const f2 = F[6 + k] as number;
      const f3 = F[9 + k] as number;
      for (let p = 0; p < n; p++) {
        const i = from + p;
        out[to + k * n + p] =
          f0 * (x[i] as number) +
          f1 * (x[i + n] as number) +
          f2 * (x[i + 2 * n] as number) +
          f3 * (x[i + 3 * n] as number);
      }
    }
  }
  return { shape: [batch, 3, height, width], data: out };
}

function pullbackInto(prediction: LatentLike, imageGradient: Float64Array, out: Float64Array): Float64Array {
  const [batch = 1, , height = 1, width = 1] = prediction.shape;
  const n = height * width;
  for (let b = 0; b < batch; b++) {
    const from = b * 3 * n;
    for (let c = 0; c < 4; c++) {
      const fr = F[3 * c] as number;
      const fg = F[3 * c + 1] as number;
      const fb = F[3 * c + 2] as number;
      const to = (b * 4 + c) * n;
      for (let p = 0; p < n; p++) {
        const i = from + p;
        out[to + p] =
          fr * (imageGradient[i] as number) +
          fg * (imageGradient[i + n] as number) +
          fb * (imageGradient[i + 2 * n] as number);
      }
    }
  }
  return out;
}

/**
 * The linear decoder for one conditioning hook. The image and the gradient it returns are its own buffers,
 * overwritten by its next call (the hook uses each before the next step): a fresh 100–130 KB array per call cost
 * more than the decoding itself at 512².
 */
export function createLinearDecoder(): DifferentiableDecoder {
  let image = new Float64Array(0);
  let gradient = new Float64Array(0);
  return {
    decode(prediction) {
      const length = (prediction.data.length / 4) * 3;
      if (image.length !== length) image = new Float64Array(length);
      return decodeInto(prediction, image);
    },
    pullback(prediction, imageGradient) {
      if (gradient.length !== prediction.data.length) gradient = new Float64Array(prediction.data.length);
      return pullbackInto(prediction, imageGradient, gradient);
    },
  };
}

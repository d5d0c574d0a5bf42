/**
 * The notebook's closed-form guidance losses on the decoded image (Deforum `helpers/conditioning.py`, spec §18),
 * each with its exact gradient. torch's |·| has gradient sign(·) with sign(0) = 0; `var` is unbiased (N − 1).
 * - blue: mean |B − 0.9| over the last channel;
 * - mean: mean |x| (towards mid grey);
 * - exposure: mean |x − target| (`exposure_target`, in [-1, 1] units);
 * - var: the variance of all values;
 * - init_mse: mean (x − target)², the target being the init_mse_image decoded as the prediction is.
 */
import { planes, type DecodedImage, type ImageLoss, type LossValue } from './image-loss.js';

function meanAbsolute(image: DecodedImage, centre: number, channel: number | null): LossValue {
  const { batch, channels, pixels } = planes(image.shape);
  const gradient = new Float64Array(image.data.length);
  const count = channel === null ? image.data.length : batch * pixels;
  let sum = 0;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      if (channel !== null && c !== channel) continue;
      const start = (b * channels + c) * pixels;
      for (let i = start; i < start + pixels; i++) {
        const d = (image.data[i] ?? 0) - centre;
        sum += Math.abs(d);
        gradient[i] = Math.sign(d) / count;
      }
    }
  }
  return { value: sum / count, gradient };
}

/**
 * `meanAbsolute`'s gradient times `scale`, subtracted from `into` (0 outside the channel, so nothing there). The
 * per-element step is one product, sign · (scale / count): the same as scale · (sign / count) up to rounding.
 */
function subtractMeanAbsolute(
  image: DecodedImage,
  centre: number,
  channel: number | null,
  scale: number,
  into: Float64Array,
): void {
  const { batch, channels, pixels } = planes(image.shape);
  const data = image.data;
  const step = scale / (channel === null ? data.length : batch * pixels);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      if (channel !== null && c !== channel) continue;
      const start = (b * channels + c) * pixels;
      for (let i = start; i < start + pixels; i++) {
        into[i] = (into[i] as number) - Math.sign((data[i] as number) - centre) * step;
      }
    }
  }
}

export const blueLoss: ImageLoss = {
  setting: 'blue_scale',
  evaluate: (image) => meanAbsolute(image, 0.9, planes(image.shape).channels - 1),
  subtractScaledGradient: (image, scale, into) =>
    subtractMeanAbsolute(image, 0.9, planes(image.shape).channels - 1, scale, into),
};

export const meanLoss: ImageLoss = {
  setting: 'mean_scale',
  evaluate: (image) => meanAbsolute(image, 0, null),
  subtractScaledGradient: (image, scale, into) => subtractMeanAbsolute(image, 0, null, scale, into),
};

export function exposureLoss(target: number): ImageLoss {
  return {
    setting: 'exposure_scale',
    evaluate: (image) => meanAbsolute(image, target, null),
    subtractScaledGradient: (image, scale, into) => subtractMeanAbsolute(image, target, null, scale, into),
  };
}

/** The mean, summed in index order (an indexed loop: `for…of` over a typed array cost ~5× here). */
function meanOf(data: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i] as number;
  return sum / data.length;
}

export const varLoss: ImageLoss = {
  setting: 'var_scale',
  evaluate(image) {
    const n = image.data.length;
    const mean = meanOf(image.data);
    let squares = 0;
    const gradient = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = (image.data[i] ?? 0) - mean;
      squares += d * d;
      gradient[i] = (2 * d) / (n - 1);
    }
    return { value: squares / (n - 1), gradient };
  },
  subtractScaledGradient(image, scale, into) {
    const data = image.data;
    const n = data.length;
    const mean = meanOf(data);
    const step = (2 * scale) / (n - 1);
    for (let i = 0; i < n; i++) into[i] = (into[i] as number) - ((data[i] as number) - mean) * step;
  },
};

/** `target` is one decoded image [1, 3, h, w]; every batch element is compared with it (the original repeats it). */
export function initMseLoss(target: DecodedImage): ImageLoss {
  const checkSize = (image: DecodedImage): number => {
    const perSample = target.data.length;
    if (image.data.length % perSample !== 0) {
      throw new RangeError(
        `init_mse_image decodes to [${target.shape.join(', ')}] but the prediction to [${image.shape.join(', ')}]`,
      );
    }
    return perSample;
  };
  return {
    setting: 'init_mse_scale',
    evaluate(image) {
      const perSample = checkSize(image);
      const n = image.data.length;
      const gradient = new Float64Array(n);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = (image.data[i] ?? 0) - (target.data[i % perSample] ?? 0);
        sum += d * d;
        gradient[i] = (2 * d) / n;
      }
      return { value: sum / n, gradient };
    },
    subtractScaledGradient(image, scale, into) {
      const perSample = checkSize(image);
      const data = image.data;
      const step = (2 * scale) / data.length;
      for (let start = 0; start < data.length; start += perSample) {
        for (let j = 0; j < perSample; j++) {
          const i = start + j;
          into[i] = (into[i] as number) - ((data[i] as number) - (target.data[j] as number)) * step;
        }
      }
    },
  };
}

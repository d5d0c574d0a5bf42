/**
 * The contract between conditional guidance (spec §18) and its losses. A loss sees the prediction decoded to an
 * RGB image in about [-1, 1] and returns its value with the gradient on that image. The closed-form losses
 * (`pixel-losses.ts`, `color-match-loss.ts`) compute it directly; a loss that needs a network (CLIP, aesthetics)
 * can implement the same interface later over a gradient model (an ONNX graph giving the vector–Jacobian
 * product), so neither the hook nor the samplers change.
 */

/** A decoded prediction, [batch, 3, height, width] planes (R, G, B), in float64 so gradients stay exact. */
export interface DecodedImage {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export interface LossValue {
  value: number;
  /** ∂loss/∂image, the image's shape. */
  gradient: Float64Array;
}

export interface ImageLoss {
  /** The `*_scale` setting this loss belongs to, for messages. */
  readonly setting: string;
  evaluate(image: DecodedImage): LossValue | Promise<LossValue>;
  /**
   * Optional fused form for the guidance hook: `into[i] ← into[i] − scale·∂loss/∂image[i]` for every i, the same
   * values as subtracting `scale ×` `evaluate`'s gradient, without allocating that gradient.
   */
  subtractScaledGradient?(image: DecodedImage, scale: number, into: Float64Array): void;
}

/** The loss with the scale its setting gives it: guidance descends `scale · loss`. */
export interface ScaledLoss {
  loss: ImageLoss;
  scale: number;
}

/** The batch, channel count and pixels per plane of a [B, C, H, W] tensor. */
export function planes(shape: readonly number[]): { batch: number; channels: number; pixels: number } {
  const [batch = 1, channels = 1, height = 1, width = 1] = shape;
  return { batch, channels, pixels: height * width };
}

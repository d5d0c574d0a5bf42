/**
 * The tensors the diffusion runtime passes around: float32 data in NCHW order with its shape. Small pure helpers
 * only; anything that talks to onnxruntime lives in onnx/.
 */
export interface Latent {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function latent(shape: readonly number[], data: Float32Array = new Float32Array(elementCount(shape))): Latent {
  if (data.length !== elementCount(shape)) {
    throw new RangeError(
      `a tensor of shape [${shape.join(', ')}] needs ${elementCount(shape)} values, got ${data.length}`,
    );
  }
  return { shape: [...shape], data };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((count, size) => count * size, 1);
}

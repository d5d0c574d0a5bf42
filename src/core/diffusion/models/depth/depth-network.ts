/**
 * What the depth code needs from a network: NCHW float32 in, one float32 tensor out. The ONNX-backed
 * implementation is wired by the model loader; tests inject the golden cases' analytic fakes.
 */

export interface DepthTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export type DepthNetwork = (
  input: Float32Array,
  shape: readonly number[],
) => Promise<{ data: Float32Array; shape: number[] }>;

/**
 * The runtime's view of one loaded ONNX model, with no onnxruntime types in it, so the in-process session
 * (`session.ts`) and the worker-thread client (`worker-host.ts`) are interchangeable behind one interface.
 */
import type { Latent } from '../tensor.js';

/** The element types an SD export uses at its edges (bool: the safety checker's `has_nsfw_concepts`). */
export type ElementType = 'float32' | 'float16' | 'int32' | 'int64' | 'bool';

/** One declared input or output; a string dimension is symbolic (`batch`, `height`). */
export interface TensorSpec {
  readonly name: string;
  readonly type: ElementType;
  readonly dims: readonly (number | string)[];
}

/**
 * What callers feed: values in the precision they compute in. The session converts them to the declared element
 * type (float → float32/float16, int → int32/int64), so model files never hard-code an export's dtypes.
 * `constant`: the caller promises never to change `data` while it holds the array, so a host may keep what it made
 * of it and, when the same array comes again, reuse that instead (the worker host sends it once: the UNet's text
 * context, the same 2×77×768 floats at every step of a frame).
 */
export type Feed =
  | { readonly kind: 'float'; readonly dims: readonly number[]; readonly data: Float32Array; readonly constant?: true }
  | { readonly kind: 'int'; readonly dims: readonly number[]; readonly data: Int32Array };

/** A feed converted to its declared element type, ready to cross to onnxruntime (or to a worker thread). */
export interface PreparedTensor {
  readonly name: string;
  readonly type: ElementType;
  readonly dims: readonly number[];
  readonly data: Float32Array | Uint16Array | Int32Array | BigInt64Array;
}

export interface ModelSession {
  /** The component name used in messages, e.g. `unet`. */
  readonly model: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Runs the model; float outputs come back as float32 whatever the model computes in, bool outputs as 0/1. */
  run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, Latent>>;
  release(): Promise<void>;
}

/** Opens models; one host owns every session of a process (in-process) or of its worker thread. */
export interface SessionHost {
  open(modelPath: string, model: string): Promise<ModelSession>;
  close(): Promise<void>;
}

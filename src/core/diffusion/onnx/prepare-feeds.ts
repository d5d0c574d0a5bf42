/**
 * Checks feeds against a model's declared inputs and converts them to the declared element types. Every mismatch
 * is a `model_io_mismatch` naming the model, the input, what the model declares and what it was given, because
 * an export with other names or dtypes than the diffusers exporter writes is the usual cause.
 */
import { DeforumError } from '../../errors.js';
import { float32ToFloat16 } from './float16.js';
import type { Feed, PreparedTensor, TensorSpec } from './model-session.js';

export function describeDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(', ')}]`;
}

function mismatch(model: string, input: string, expected: string, got: string, advice: string): DeforumError {
  return new DeforumError(
    { code: 'model_io_mismatch', model, input, expected, got },
    `${model}: input '${input}' expects ${expected} but got ${got}. ${advice}`,
  );
}

/**
 * `transfer`: the tensors will cross to a worker thread, which takes ownership of their buffers, so values already in
 * the declared type are copied; in-process they are passed as they are (onnxruntime only reads them), which saves
 * copying SD's context and latent at every step. `held`: inputs the receiver already holds from an earlier run (a
 * worker's kept constant feeds): checked like the others, but neither converted nor returned.
 */
export function prepareFeeds(
  model: string,
  inputs: readonly TensorSpec[],
  feeds: Readonly<Record<string, Feed>>,
  transfer: boolean,
  held: ReadonlySet<string> = NO_INPUTS,
): PreparedTensor[] {
  const declared = inputs.map((spec) => spec.name).join(', ');
  for (const name of Object.keys(feeds)) {
    if (!inputs.some((spec) => spec.name === name)) {
      throw mismatch(
        model,
        name,
        `one of the declared inputs (${declared})`,
        'a feed of that name',
        'Check the export.',
      );
    }
  }
  const prepared: PreparedTensor[] = [];
  for (const spec of inputs) {
    const feed = feeds[spec.name];
    if (feed === undefined) {
      throw mismatch(
        model,
        spec.name,
        `a ${spec.type} ${describeDims(spec.dims)} tensor`,
        'no feed',
        'Check the export.',
      );
    }
    checkDims(model, spec, feed.dims);
    if (held.has(spec.name)) continue;
    prepared.push({
      name: spec.name,
      type: spec.type,
      dims: [...feed.dims],
      data: convert(model, spec, feed, transfer),
    });
  }
  return prepared;
}

const NO_INPUTS: ReadonlySet<string> = new Set();

function checkDims(model: string, spec: TensorSpec, dims: readonly number[]): void {
  const fits =
    dims.length === spec.dims.length &&
    spec.dims.every((size, axis) => typeof size === 'string' || size < 0 || size === dims[axis]);
  if (!fits) {
    throw mismatch(
      model,
      spec.name,
      `shape ${describeDims(spec.dims)}`,
      `shape ${describeDims(dims)}`,
      'The model was exported for other sizes; re-export it with dynamic axes or render at its fixed size.',
    );
  }
}

function convert(model: string, spec: TensorSpec, feed: Feed, transfer: boolean): PreparedTensor['data'] {
  if (feed.kind === 'float') {
    // A worker thread takes ownership of what it is sent: the copy keeps the caller's latent attached.
    if (spec.type === 'float32') return transfer ? feed.data.slice() : feed.data;
    if (spec.type === 'float16') return float32ToFloat16(feed.data);
  } else {
    if (spec.type === 'int32') return transfer ? feed.data.slice() : feed.data;
    if (spec.type === 'int64') return BigInt64Array.from(feed.data, (value) => BigInt(value));
  }
  throw mismatch(
    model,
    spec.name,
    `element type ${spec.type}`,
    `${feed.kind === 'float' ? 'floating-point' : 'integer'} values`,
    'The export declares an unusual dtype for this input; re-export it with the diffusers ONNX exporter.',
  );
}

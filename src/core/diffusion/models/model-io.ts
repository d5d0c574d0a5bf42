/**
 * Checks an opened model's declared inputs and outputs against what a component needs, with a message that names
 * the model, the tensor, what was expected and what the file declares (a renamed input, an int64 image, …).
 */
import { DeforumError } from '../../errors.js';
import type { ElementType, ModelSession, TensorSpec } from '../onnx/model-session.js';
import { describeDims } from '../onnx/prepare-feeds.js';

export interface TensorRequirement {
  /** Accepted names, the diffusers exporter's first. */
  names: readonly string[];
  types: readonly ElementType[];
  rank: number | readonly number[];
}

export function requireInput(session: ModelSession, requirement: TensorRequirement): TensorSpec {
  return requireTensor(session, session.inputs, 'input', requirement);
}

export function requireOutput(session: ModelSession, requirement: TensorRequirement): TensorSpec {
  return requireTensor(session, session.outputs, 'output', requirement);
}

function requireTensor(
  session: ModelSession,
  declared: readonly TensorSpec[],
  role: 'input' | 'output',
  requirement: TensorRequirement,
): TensorSpec {
  const wanted = requirement.names[0] ?? '';
  const spec = declared.find((candidate) => requirement.names.includes(candidate.name));
  if (spec === undefined) {
    const names = requirement.names.map((name) => `'${name}'`).join(' or ');
    const got = declared.map((candidate) => `'${candidate.name}'`).join(', ');
    throw new DeforumError(
      { code: 'model_io_mismatch', model: session.model, input: wanted, expected: `an ${role} named ${names}`, got },
      `${session.model}: expected an ${role} named ${names}, but the model declares ${got}. ` +
        'Export the model with the diffusers ONNX exporter, which uses these names.',
    );
  }
  const ranks = typeof requirement.rank === 'number' ? [requirement.rank] : requirement.rank;
  if (!requirement.types.includes(spec.type) || !ranks.includes(spec.dims.length)) {
    const expected = `${requirement.types.join(' or ')} of rank ${ranks.join(' or ')}`;
    const got = `${spec.type} ${describeDims(spec.dims)}`;
    throw new DeforumError(
      { code: 'model_io_mismatch', model: session.model, input: spec.name, expected, got },
      `${session.model}: ${role} '${spec.name}' must be ${expected}, but the model declares ${got}. ` +
        'Export the model with the diffusers ONNX exporter.',
    );
  }
  return spec;
}

/** A fixed size of a declared dimension, or undefined when it is symbolic. */
export function fixedDim(spec: TensorSpec, axis: number): number | undefined {
  const size = spec.dims[axis];
  return typeof size === 'number' && size > 0 ? size : undefined;
}

/**
 * A depth network (MiDaS/DPT, or AdaBins) from an ONNX export, as the `DepthNetwork` function depth.ts calls. The
 * input and output are read from the session's metadata, never assumed: the export must have one rank-4 float
 * input (NCHW; any name, `pixel_values` from optimum, `0` or `input` from the MiDaS repo's script) and a float
 * output of rank 3 or 4. Exports with a symbolic height and width get the MiDaS transform's size as is
 * (keep-aspect, multiple of 32, spec §10). An export fixed at one size (the MiDaS repo's `[1, 3, 384, 384]`)
 * gets the transformed input bicubic-resized to that size, which stretches a non-square frame; depth.ts resizes
 * the prediction back to the frame either way (docs/deviations.md, "Depth").
 */
import { DeforumError } from '../../errors.js';
import type { ModelSession, TensorSpec } from '../onnx/model-session.js';
import type { DepthNetwork } from './depth/depth-network.js';
import { resizeCubic } from './depth/resize-cubic.js';
import { fixedDim } from './model-io.js';

export function onnxDepthNetwork(session: ModelSession): DepthNetwork {
  const input = singleTensor(session, session.inputs, 'input', [4]);
  const output = singleTensor(session, session.outputs, 'output', [3, 4]);
  const fixedHeight = fixedDim(input, 2);
  const fixedWidth = fixedDim(input, 3);

  return async (data, shape) => {
    const [batch = 1, channels = 3, height = 0, width = 0] = shape;
    const netHeight = fixedHeight ?? height;
    const netWidth = fixedWidth ?? width;
    const fed =
      netHeight === height && netWidth === width
        ? data
        : resizePlanes(data, batch * channels, width, height, netWidth, netHeight);
    const out = await session.run({
      [input.name]: { kind: 'float', dims: [batch, channels, netHeight, netWidth], data: fed },
    });
    const result = out[output.name];
    if (result === undefined) throw new Error(`${session.model}: no '${output.name}' in the outputs`);
    return { data: result.data, shape: [...result.shape] };
  };
}

/** Bicubic resize of each NCHW plane on its own. */
function resizePlanes(
  data: Float32Array,
  planes: number,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const out = new Float32Array(planes * outWidth * outHeight);
  for (let p = 0; p < planes; p++) {
    const plane = data.subarray(p * width * height, (p + 1) * width * height);
    out.set(resizeCubic(plane, width, height, 1, outWidth, outHeight), p * outWidth * outHeight);
  }
  return out;
}

function singleTensor(
  session: ModelSession,
  declared: readonly TensorSpec[],
  role: 'input' | 'output',
  ranks: readonly number[],
): TensorSpec {
  const fits = declared.filter(
    (spec) => (spec.type === 'float32' || spec.type === 'float16') && ranks.includes(spec.dims.length),
  );
  const spec = fits[0];
  if (spec === undefined || (role === 'input' && declared.length !== 1)) {
    const expected = `one float ${role} of rank ${ranks.join(' or ')}`;
    const got = declared.map((candidate) => `'${candidate.name}' ${candidate.type} [${candidate.dims.join(', ')}]`);
    throw new DeforumError(
      {
        code: 'model_io_mismatch',
        model: session.model,
        input: declared[0]?.name ?? '',
        expected,
        got: got.join(', '),
      },
      `${session.model}: a depth network needs ${expected}, but the model declares ${got.join(', ') || 'none'}. ` +
        'Export MiDaS/DPT with a single image input (NCHW float) and its depth prediction as output.',
    );
  }
  return spec;
}

/**
 * Tiny ONNX models (a few KB) with the input and output names, ranks and dtypes of real diffusers ONNX exports,
 * and a writer for a whole export folder, so the diffusion runtime is tested without weights (style.md B8).
 * Each model computes simple, documented maths, so a test can predict its outputs exactly:
 *   text_encoder  last_hidden_state[b,s,d] = ids[b,s]·1e-4 + d·1e-3;  pooler_output[b,d] = mean over s
 *   unet          out_sample = 0.5·sample + 0.001·timestep[b] + mean(encoder_hidden_states[b])
 *   vae_encoder   mean[c] = 8×8 average of image channel c mod 3; logvar = 2·ln 0.1 (std 0.1)
 *   vae_decoder   sample[o,y,x] = latent[o, y/8, x/8] for o = 0..2 (nearest 8× upsampling of the first 3 channels)
 *   midas         depth[b,y,x] = 10·mean over c of input[b,c,y,x] + 20 (MiDaS/DPT: NCHW in, [b, h, w] inverse depth out)
 *   safety_checker has_nsfw_concepts[b] = mean(clip_input[b]) > 0; out_images = images (diffusers' ONNX signature)
 * The layout mirrors `convert_stable_diffusion_checkpoint_to_onnx.py` (diffusers) and optimum's exporter:
 * `input_ids` int32 [batch, sequence] → `last_hidden_state`, `pooler_output`; `sample`, `timestep`,
 * `encoder_hidden_states` → `out_sample`; `sample` → `latent_sample` (diffusers, 4 channels, sampled inside the
 * graph) or 8 channels of mean and log-variance (`latent_parameters`, optimum); `latent_sample` → `sample`.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto, { type onnx } from 'onnx-proto';
import { goldenPath } from './golden.js';

// onnx-proto is CommonJS: Node's ESM loader sees only its default export.
const proto = onnxProto.onnx;
const T = proto.TensorProto.DataType;
type Dim = number | string;
export type FloatType = 'float32' | 'float16';

export const TINY_LOGVAR = 2 * Math.log(0.1);

const FLOAT_CODES: Record<FloatType, number> = { float32: T.FLOAT, float16: T.FLOAT16 };

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function floats(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dataType: T.FLOAT, dims, rawData: new Uint8Array(new Float32Array(values).buffer) };
}

function int64s(name: string, values: number[]): onnx.ITensorProto {
  return { name, dataType: T.INT64, dims: [values.length], int64Data: values };
}

function node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []) {
  return { opType, input, output, attribute };
}

const intsAttr = (name: string, ints: number[]): onnx.IAttributeProto => ({
  name,
  type: proto.AttributeProto.AttributeType.INTS,
  ints,
});
const intAttr = (name: string, i: number): onnx.IAttributeProto => ({
  name,
  type: proto.AttributeProto.AttributeType.INT,
  i,
});
const stringAttr = (name: string, s: string): onnx.IAttributeProto => ({
  name,
  type: proto.AttributeProto.AttributeType.STRING,
  s: new TextEncoder().encode(s),
});
const castTo = (input: string, output: string, to: number) => node('Cast', [input], [output], [intAttr('to', to)]);

/** A graph whose float inputs/outputs may be float16: Casts at the edges keep the maths in float32. */
class GraphBuilder {
  readonly nodes: ReturnType<typeof node>[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly inputs: onnx.IValueInfoProto[] = [];
  readonly outputs: onnx.IValueInfoProto[] = [];

  constructor(private readonly floatType: FloatType) {}

  floatInput(name: string, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, FLOAT_CODES[this.floatType], dims));
    if (this.floatType === 'float32') return name;
    this.nodes.push(castTo(name, `${name}_f32`, T.FLOAT));
    return `${name}_f32`;
  }

  floatOutput(value: string, name: string, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, FLOAT_CODES[this.floatType], dims));
    this.nodes.push(this.floatType === 'float32' ? node('Identity', [value], [name]) : castTo(value, name, T.FLOAT16));
  }

  model(name: string): onnx.ModelProto {
    return proto.ModelProto.create({
      irVersion: 8,
      producerName: 'deforum-tests',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
    });
  }
}

export interface TextEncoderOptions {
  hiddenSize?: 768 | 1024;
  idsType?: 'int32' | 'int64';
  /** `sequence` (symbolic, as diffusers exports) or a fixed length. */
  sequence?: Dim;
  /** Rename `input_ids`, to test the loader's message. */
  inputName?: string;
}

export function tinyTextEncoder(options: TextEncoderOptions = {}): onnx.ModelProto {
  const hidden = options.hiddenSize ?? 768;
  const g = new GraphBuilder('float32');
  const idsName = options.inputName ?? 'input_ids';
  g.inputs.push(
    valueInfo(idsName, options.idsType === 'int64' ? T.INT64 : T.INT32, ['batch', options.sequence ?? 'sequence']),
  );
  g.initializers.push(
    floats('k', [], [1e-4]),
    floats(
      'ramp',
      [hidden],
      Array.from({ length: hidden }, (_, d) => d * 1e-3),
    ),
    int64s('ax2', [2]),
  );
  g.nodes.push(
    castTo(idsName, 'idf', T.FLOAT),
    node('Unsqueeze', ['idf', 'ax2'], ['id3']),
    node('Mul', ['id3', 'k'], ['scaled']),
    node('Add', ['scaled', 'ramp'], ['hidden']),
    node('ReduceMean', ['hidden'], ['pooled'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
  );
  g.floatOutput('hidden', 'last_hidden_state', ['batch', options.sequence ?? 'sequence', hidden]);
  g.floatOutput('pooled', 'pooler_output', ['batch', hidden]);
  return g.model('tiny_text_encoder');
}

export interface UNetOptions {
  hiddenSize?: 768 | 1024;
  /** diffusers exports a float `timestep [batch]`; optimum an int64 one; some exports a single float `[1]`. */
  timestep?: 'float-batch' | 'int64-batch' | 'float-one';
  /** A fixed batch size (1 forces cond and uncond into two calls) or symbolic. */
  batch?: Dim;
  floatType?: FloatType;
  /** Adds this many 512×512 MatMuls that depend on the input, to make a run deliberately slow. */
  slowMatmuls?: number;
  /** Declare `sample` with another element type, to test the loader's message. */
  sampleType?: 'int64';
}

export function tinyUNet(options: UNetOptions = {}): onnx.ModelProto {
  const hidden = options.hiddenSize ?? 768;
  const batch = options.batch ?? 'batch';
  const g = new GraphBuilder(options.floatType ?? 'float32');
  const latentDims = [batch, 4, 'height', 'width'];
  const sample =
    options.sampleType === 'int64'
      ? (g.inputs.push(valueInfo('sample', T.INT64, latentDims)), g.nodes.push(castTo('sample', 's_f', T.FLOAT)), 's_f')
      : g.floatInput('sample', latentDims);
  const timestepKind = options.timestep ?? 'float-batch';
  const timestepDims = timestepKind === 'float-one' ? [1] : [batch];
  if (timestepKind === 'int64-batch') g.inputs.push(valueInfo('timestep', T.INT64, timestepDims));
  else g.inputs.push(valueInfo('timestep', FLOAT_CODES[options.floatType ?? 'float32'], timestepDims));
  const context = g.floatInput('encoder_hidden_states', [batch, 77, hidden]);
  g.initializers.push(
    floats('half', [], [0.5]),
    floats('k', [], [0.001]),
    int64s('ax123', [1, 2, 3]),
    int64s('ax3', [3]),
  );
  g.nodes.push(
    node('Mul', [sample, 'half'], ['a']),
    castTo('timestep', 'tf', T.FLOAT),
    node('Mul', ['tf', 'k'], ['ts']),
    node('Unsqueeze', ['ts', 'ax123'], ['tb']),
    node('ReduceMean', [context], ['cm'], [intsAttr('axes', [1, 2])]),
    node('Unsqueeze', ['cm', 'ax3'], ['cb']),
    node('Add', ['a', 'tb'], ['a1']),
    node('Add', ['a1', 'cb'], ['a2']),
  );
  let result = 'a2';
  if ((options.slowMatmuls ?? 0) > 0) result = addSlowChain(g, sample, result, options.slowMatmuls ?? 0);
  g.floatOutput(result, 'out_sample', latentDims);
  return g.model('tiny_unet');
}

/** MatMuls on a 512×512 matrix built from the input (so nothing folds at load), multiplied by 0 at the end. */
function addSlowChain(g: GraphBuilder, sample: string, value: string, count: number): string {
  g.initializers.push(
    floats('w512', [512, 512], new Array<number>(512 * 512).fill(1 / 512)),
    int64s('shape512', [512, 512]),
    floats('zero', [], [0]),
  );
  g.nodes.push(
    node('ReduceMean', [sample], ['m'], [intAttr('keepdims', 0)]),
    node('Expand', ['m', 'shape512'], ['mm0']),
  );
  for (let i = 0; i < count; i++) g.nodes.push(node('MatMul', [`mm${i}`, 'w512'], [`mm${i + 1}`]));
  g.nodes.push(
    node('ReduceMean', [`mm${count}`], ['slow'], [intAttr('keepdims', 0)]),
    node('Mul', ['slow', 'zero'], ['nothing']),
    node('Add', [value, 'nothing'], ['slow_out']),
  );
  return 'slow_out';
}

export interface VaeEncoderOptions {
  /** `latent_sample` is the diffusers exporter's name, `latent_parameters` optimum's. */
  outputName?: 'latent_sample' | 'latent_parameters';
  /** 8 = mean and log-variance (the posterior's parameters); 4 = a latent sampled inside the graph (diffusers). */
  channels?: 4 | 8;
  floatType?: FloatType;
}

export function tinyVaeEncoder(options: VaeEncoderOptions = {}): onnx.ModelProto {
  const channels = options.channels ?? 8;
  const g = new GraphBuilder(options.floatType ?? 'float32');
  const image = g.floatInput('sample', ['batch', 3, 'height', 'width']);
  const weights = Array.from({ length: channels * 3 }, (_, i) => {
    const [out, input] = [Math.floor(i / 3), i % 3];
    return out < 4 && out % 3 === input ? 1 : 0;
  });
  const bias = Array.from({ length: channels }, (_, c) => (c < 4 ? 0 : TINY_LOGVAR));
  g.initializers.push(floats('w', [channels, 3, 1, 1], weights), floats('b', [channels], bias));
  g.nodes.push(
    node('Conv', [image, 'w', 'b'], ['mixed'], [intsAttr('kernel_shape', [1, 1])]),
    node('AveragePool', ['mixed'], ['pooled'], [intsAttr('kernel_shape', [8, 8]), intsAttr('strides', [8, 8])]),
  );
  g.floatOutput('pooled', options.outputName ?? 'latent_sample', ['batch', channels, 'height_latent', 'width_latent']);
  return g.model('tiny_vae_encoder');
}

export function tinyVaeDecoder(options: { floatType?: FloatType } = {}): onnx.ModelProto {
  const g = new GraphBuilder(options.floatType ?? 'float32');
  const latentIn = g.floatInput('latent_sample', ['batch', 4, 'height_latent', 'width_latent']);
  const weights = Array.from({ length: 12 }, (_, i) => (Math.floor(i / 4) === i % 4 ? 1 : 0));
  g.initializers.push(floats('w', [3, 4, 1, 1], weights), floats('scales', [4], [1, 1, 8, 8]));
  g.nodes.push(
    node('Conv', [latentIn, 'w'], ['rgb'], [intsAttr('kernel_shape', [1, 1])]),
    node('Resize', ['rgb', '', 'scales'], ['up'], [stringAttr('mode', 'nearest')]),
  );
  g.floatOutput('up', 'sample', ['batch', 3, 'height', 'width']);
  return g.model('tiny_vae_decoder');
}

export interface MidasOptions {
  /** The network's input size: fixed as `[1, 3, 384, 384]` exports declare it, or symbolic. */
  size?: 'symbolic' | [number, number];
  /** The input's name (read from the session by the loader, never assumed). */
  inputName?: string;
  outputName?: string;
}

export function tinyMidas(options: MidasOptions = {}): onnx.ModelProto {
  const size = options.size ?? 'symbolic';
  const [height, width]: [Dim, Dim] = size === 'symbolic' ? ['height', 'width'] : size;
  const batch = size === 'symbolic' ? 'batch' : 1;
  const g = new GraphBuilder('float32');
  const input = g.floatInput(options.inputName ?? 'pixel_values', [batch, 3, height, width]);
  g.initializers.push(floats('ten', [], [10]), floats('twenty', [], [20]));
  g.nodes.push(
    node('ReduceMean', [input], ['mean'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
    node('Mul', ['mean', 'ten'], ['scaled']),
    node('Add', ['scaled', 'twenty'], ['depth']),
  );
  g.floatOutput('depth', options.outputName ?? 'predicted_depth', [batch, height, width]);
  return g.model('tiny_midas');
}

/** The diffusers ONNX safety checker's signature with a one-line rule: bright (above CLIP's mean) frames are flagged. */
export function tinySafetyChecker(): onnx.ModelProto {
  const g = new GraphBuilder('float32');
  const clip = g.floatInput('clip_input', ['batch', 3, 224, 224]);
  const images = g.floatInput('images', ['batch', 'height', 'width', 3]);
  g.initializers.push(floats('zero', [], [0]));
  g.nodes.push(
    node('ReduceMean', [clip], ['mean'], [intsAttr('axes', [1, 2, 3]), intAttr('keepdims', 0)]),
    node('Greater', ['mean', 'zero'], ['has_nsfw_concepts']),
  );
  g.outputs.push(valueInfo('has_nsfw_concepts', T.BOOL, ['batch']));
  g.floatOutput(images, 'out_images', ['batch', 'height', 'width', 3]);
  return g.model('tiny_safety_checker');
}

/**
 * Serialises a model; with `externalData` every initializer moves to that file beside the model, as large
 * exports store their weights (`weights.pb` from diffusers, `model.onnx_data` from optimum).
 */
export function writeModel(file: string, model: onnx.ModelProto, externalData?: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  if (externalData !== undefined) {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const tensor of model.graph?.initializer ?? []) {
      if (tensor.rawData === null || tensor.rawData === undefined || tensor.rawData.length === 0) continue;
      chunks.push(tensor.rawData);
      tensor.externalData = [
        { key: 'location', value: externalData },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(tensor.rawData.length) },
      ];
      tensor.dataLocation = proto.TensorProto.DataLocation.EXTERNAL;
      offset += tensor.rawData.length;
      tensor.rawData = new Uint8Array(0);
    }
    writeFileSync(path.join(path.dirname(file), externalData), Buffer.concat(chunks));
  }
  writeFileSync(file, proto.ModelProto.encode(model).finish());
}

export interface ExportFolderOptions {
  /** SD1: 768-wide CLIP, epsilon. SD2: 1024-wide OpenCLIP, v_prediction, pads with `!` (id 0). */
  variant?: 'sd1' | 'sd2';
  floatType?: FloatType;
  idsType?: 'int32' | 'int64';
  timestep?: UNetOptions['timestep'];
  unetBatch?: Dim;
  vaeEncoder?: VaeEncoderOptions;
  /** Stores the UNet's weights in this external file, as real exports do. */
  unetExternalData?: 'weights.pb' | 'model.onnx_data';
  /** `json`: tokenizer.json (+ config); `vocab-merges`: vocab.json + merges.txt as diffusers saves them. */
  tokenizerFiles?: 'json' | 'vocab-merges';
  /** Writes `vae_decoder/config.json` with this scaling factor. */
  vaeScalingFactor?: number;
  scheduler?: Record<string, unknown>;
  /** UNet MatMuls that make one call slow (benchmarks), see `UNetOptions.slowMatmuls`. */
  unetSlowMatmuls?: number;
  /** Writes `safety_checker/model.onnx`. */
  safetyChecker?: boolean;
  /** Writes `depth/midas.onnx`. */
  midas?: MidasOptions;
}

export const SD1_SCHEDULER = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.8.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};

export const SD2_SCHEDULER = {
  _class_name: 'DDIMScheduler',
  _diffusers_version: '0.10.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  prediction_type: 'v_prediction',
  set_alpha_to_one: false,
  steps_offset: 1,
  trained_betas: null,
};

/** Writes a diffusers ONNX export folder of tiny models and returns its path. */
export function writeTinyExport(dir: string, options: ExportFolderOptions = {}): string {
  const sd2 = options.variant === 'sd2';
  const hiddenSize = sd2 ? 1024 : 768;
  const floatType = options.floatType ?? 'float32';
  const component = ['diffusers', 'OnnxRuntimeModel'];
  writeJson(path.join(dir, 'model_index.json'), {
    _class_name: 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.21.0',
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', sd2 ? 'DDIMScheduler' : 'PNDMScheduler'],
    text_encoder: component,
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: component,
    vae_decoder: component,
    vae_encoder: component,
  });
  writeJson(
    path.join(dir, 'scheduler', 'scheduler_config.json'),
    options.scheduler ?? (sd2 ? SD2_SCHEDULER : SD1_SCHEDULER),
  );
  writeTokenizer(path.join(dir, 'tokenizer'), options.tokenizerFiles ?? 'json', sd2);
  const idsType = options.idsType ?? 'int32';
  writeModel(path.join(dir, 'text_encoder', 'model.onnx'), tinyTextEncoder({ hiddenSize, idsType }));
  writeModel(
    path.join(dir, 'unet', 'model.onnx'),
    tinyUNet({
      hiddenSize,
      floatType,
      ...(options.timestep === undefined ? {} : { timestep: options.timestep }),
      ...(options.unetBatch === undefined ? {} : { batch: options.unetBatch }),
      ...(options.unetSlowMatmuls === undefined ? {} : { slowMatmuls: options.unetSlowMatmuls }),
    }),
    options.unetExternalData,
  );
  writeModel(path.join(dir, 'vae_encoder', 'model.onnx'), tinyVaeEncoder({ floatType, ...options.vaeEncoder }));
  writeModel(path.join(dir, 'vae_decoder', 'model.onnx'), tinyVaeDecoder({ floatType }));
  if (options.safetyChecker === true) writeModel(path.join(dir, 'safety_checker', 'model.onnx'), tinySafetyChecker());
  if (options.midas !== undefined) writeModel(path.join(dir, 'depth', 'midas.onnx'), tinyMidas(options.midas));
  if (options.vaeScalingFactor !== undefined) {
    writeJson(path.join(dir, 'vae_decoder', 'config.json'), {
      _class_name: 'AutoencoderKL',
      latent_channels: 4,
      scaling_factor: options.vaeScalingFactor,
    });
  }
  return dir;
}

function writeTokenizer(dir: string, files: 'json' | 'vocab-merges', sd2: boolean): void {
  mkdirSync(dir, { recursive: true });
  const config = JSON.parse(readFileSync(goldenPath('tokenizer', 'tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  // OpenCLIP (SD2) pads with "!" (id 0) where OpenAI CLIP pads with <|endoftext|>.
  writeJson(path.join(dir, 'tokenizer_config.json'), sd2 ? { ...config, pad_token: '!' } : config);
  if (files === 'json') {
    copyFileSync(goldenPath('tokenizer', 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
    return;
  }
  const tokenizer = JSON.parse(readFileSync(goldenPath('tokenizer', 'tokenizer.json'), 'utf8')) as {
    model: { vocab: Record<string, number>; merges: string[] };
  };
  writeJson(path.join(dir, 'vocab.json'), tokenizer.model.vocab);
  writeFileSync(path.join(dir, 'merges.txt'), `#version: 0.2\n${tokenizer.model.merges.join('\n')}\n`);
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

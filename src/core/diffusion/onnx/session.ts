/**
 * The only module that imports onnxruntime-node (style.md B1). Opens each model once per host and reuses it;
 * turns our device name into execution providers and falls back to CPU when a GPU provider cannot load, which
 * onnxruntime-node 1.30 does not do itself (runtime-notes C.1); reads the declared inputs and outputs so feeds
 * are checked and converted against them (`prepare-feeds.ts`), never against hard-coded SD dtypes.
 * `run()` blocks the event loop in 1.30 (runtime-notes C.3): long-lived processes use `worker-host.ts`.
 */
import { availableParallelism } from 'node:os';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { DeforumError } from '../../errors.js';
import type { Latent } from '../tensor.js';
import { float16ToFloat32 } from './float16.js';
import type { ElementType, Feed, ModelSession, PreparedTensor, SessionHost, TensorSpec } from './model-session.js';
import { prepareFeeds } from './prepare-feeds.js';
import { CPU_PROVIDERS, providersFor, type DeviceName, type ProviderName } from './providers.js';

export interface SessionHostOptions {
  device?: DeviceName;
  /** Defaults to every core of the machine: one inference runs at a time, so nothing else competes for them. */
  intraOpThreads?: number;
  /** Receives the one line said when a GPU provider is unavailable and the host falls back to CPU. */
  onWarning?: (message: string) => void;
  /**
   * Inference worker only (`worker-host.ts`): after each run, the milliseconds its thread spent in the session's
   * run, so a caller can tell its own work from the model's (bench/diffusion.bench.ts).
   */
  onRunTimed?: (model: string, runMs: number) => void;
}

/** An opened model whose feeds are already prepared; the worker thread uses this level directly. */
export interface RawSession {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  run(tensors: readonly PreparedTensor[]): Promise<Record<string, Latent>>;
  release(): Promise<void>;
}

/** Opens models in this thread. */
export function createSessionHost(options: SessionHostOptions = {}): SessionHost {
  const opener = createRawOpener(options);
  const sessions: ModelSession[] = [];
  return {
    async open(modelPath, model) {
      const session = wrapRawSession(model, await opener(modelPath, model));
      sessions.push(session);
      return session;
    },
    async close() {
      await Promise.all(sessions.splice(0).map((session) => session.release()));
    },
  };
}

/** The shared check-then-run wrapper around a raw session (also used by the worker client). */
export function wrapRawSession(model: string, raw: RawSession): ModelSession {
  // Components release their sessions and the host releases what is left at close: the second call is a no-op.
  let released: Promise<void> | undefined;
  return {
    model,
    inputs: raw.inputs,
    outputs: raw.outputs,
    run: async (feeds: Readonly<Record<string, Feed>>) => raw.run(prepareFeeds(model, raw.inputs, feeds, false)),
    release: () => (released ??= raw.release()),
  };
}

export function createRawOpener(
  options: SessionHostOptions,
): (modelPath: string, model: string) => Promise<RawSession> {
  let providers: readonly ProviderName[] = providersFor(options.device ?? 'cpu');
  const intraOpNumThreads = options.intraOpThreads ?? availableParallelism();
  const create = (modelPath: string, executionProviders: readonly ProviderName[]) =>
    InferenceSession.create(modelPath, {
      executionProviders: [...executionProviders],
      intraOpNumThreads,
      graphOptimizationLevel: 'all',
    });

  return async (modelPath, model) => {
    let session: InferenceSession;
    try {
      session = await create(modelPath, providers);
    } catch (error) {
      if (providers === CPU_PROVIDERS || !isProviderLoadError(error)) throw loadFailed(model, modelPath, error);
      options.onWarning?.(
        `onnxruntime: the ${providers[0] ?? ''} execution provider is unavailable (${firstLine(error)}); ` +
          `running every model on the CPU instead, which is far slower.`,
      );
      providers = CPU_PROVIDERS;
      session = await create(modelPath, providers).catch((retryError: unknown) => {
        throw loadFailed(model, modelPath, retryError);
      });
    }
    return rawSession(model, session);
  };
}

function rawSession(model: string, session: InferenceSession): RawSession {
  const inputs = session.inputMetadata.map((meta) => toSpec(model, meta));
  const outputs = session.outputMetadata.map((meta) => toSpec(model, meta));
  return {
    inputs,
    outputs,
    async run(tensors) {
      const feeds: Record<string, Tensor> = {};
      for (const tensor of tensors) feeds[tensor.name] = new Tensor(tensor.type, tensor.data, [...tensor.dims]);
      const results = await session.run(feeds);
      const out: Record<string, Latent> = {};
      for (const [name, value] of Object.entries(results)) out[name] = toLatent(model, name, value);
      return out;
    },
    release: () => session.release(),
  };
}

function toSpec(model: string, meta: InferenceSession.ValueMetadata): TensorSpec {
  if (!meta.isTensor || !isElementType(meta.type)) {
    throw new DeforumError(
      {
        code: 'model_io_mismatch',
        model,
        input: meta.name,
        expected: 'float32, float16, int32, int64 or bool',
        got: meta.isTensor ? meta.type : 'a non-tensor value',
      },
      `${model}: '${meta.name}' is ${meta.isTensor ? `a ${meta.type} tensor` : 'not a tensor'}; only float32, float16, int32, int64 and bool tensors are supported. Re-export the model with the diffusers ONNX exporter.`,
    );
  }
  return { name: meta.name, type: meta.type, dims: [...meta.shape] };
}

function isElementType(type: string): type is ElementType {
  return type === 'float32' || type === 'float16' || type === 'int32' || type === 'int64' || type === 'bool';
}

function toLatent(model: string, name: string, value: unknown): Latent {
  if (!(value instanceof Tensor)) throw new TypeError(`${model}: output '${name}' is not a tensor`);
  const dims = [...value.dims];
  if (value.type === 'float32') return { shape: dims, data: value.data as Float32Array };
  if (value.type === 'float16') return { shape: dims, data: float16ToFloat32(value.data as Uint16Array) };
  if (value.type === 'bool') return { shape: dims, data: Float32Array.from(value.data as Uint8Array) };
  throw new DeforumError(
    { code: 'model_io_mismatch', model, input: name, expected: 'a float32, float16 or bool output', got: value.type },
    `${model}: output '${name}' is ${value.type}; the runtime reads float and bool outputs only. Re-export the model.`,
  );
}

function isProviderLoadError(error: unknown): boolean {
  return error instanceof Error && /provider|shared library|\.so|cuda|tensorrt/i.test(error.message);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function loadFailed(model: string, modelPath: string, error: unknown): DeforumError {
  return new DeforumError(
    { code: 'model_load_failed', model, reason: firstLine(error) },
    `${model}: onnxruntime could not load ${modelPath}: ${firstLine(error)}. Check that the file is a complete ONNX export (with its external weights file beside it).`,
    { cause: error },
  );
}

/**
 * A `SessionHost` whose sessions live in a worker_thread (`inference-worker.ts`), for processes whose main thread
 * must keep ticking while a model runs (runtime-notes C.3, C.5). Same interface as the in-process host: feeds are
 * checked and converted here (errors stay synchronous with the call), then their fresh buffers are transferred.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DeforumError } from '../../errors.js';
import type { Latent } from '../tensor.js';
import type { ModelSession, SessionHost, TensorSpec } from './model-session.js';
import { prepareFeeds } from './prepare-feeds.js';
import type { SessionHostOptions } from './session.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * Under tsx or vitest this module is TypeScript, and so is its worker: a small bootstrap registers tsx's loader in
 * the new thread first (Node 20 does not apply `--import` hooks to a worker's entry module).
 */
function spawnWorker(workerData: object): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./inference-worker.js', import.meta.url), { workerData });
  const entry = new URL('./inference-worker.ts', import.meta.url).href;
  // require.resolve finds the CommonJS build of tsx's API; the thread needs its ESM twin beside it.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function startInferenceWorker(options: SessionHostOptions = {}): SessionHost {
  const worker = spawnWorker({ device: options.device, intraOpThreads: options.intraOpThreads });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;

  const failAll = (error: Error) => {
    failure = error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: WorkerReply) => {
    if (reply.id === -1) {
      if (reply.ok && reply.op === 'warning') options.onWarning?.(reply.message);
      return;
    }
    const request = pending.get(reply.id);
    pending.delete(reply.id);
    request?.resolve(reply);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the inference worker exited (code ${code})`)));

  const send = (request: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (failure !== undefined) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, transfer);
    }).then((reply) => {
      if (!reply.ok) {
        throw reply.details === undefined ? new Error(reply.message) : new DeforumError(reply.details, reply.message);
      }
      return reply;
    });

  return {
    async open(modelPath, model): Promise<ModelSession> {
      const reply = await send({ op: 'open', modelPath, model });
      if (reply.op !== 'open') throw new Error(`inference worker: unexpected reply ${reply.op} to open`);
      const { handle, inputs, outputs } = reply;
      let released: Promise<void> | undefined;
      return {
        model,
        inputs: inputs as readonly TensorSpec[],
        outputs: outputs as readonly TensorSpec[],
        async run(feeds): Promise<Record<string, Latent>> {
          const tensors = prepareFeeds(model, inputs, feeds, true);
          const result = await send(
            { op: 'run', handle, tensors },
            tensors.map((tensor) => tensor.data.buffer as ArrayBuffer),
          );
          if (result.op !== 'run') throw new Error(`inference worker: unexpected reply ${result.op} to run`);
          options.onRunTimed?.(model, result.runMs);
          return result.outputs;
        },
        release() {
          released ??= send({ op: 'release', handle }).then(() => undefined);
          return released;
        },
      };
    },
    async close() {
      await worker.terminate();
    },
  };
}

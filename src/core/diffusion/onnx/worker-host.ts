/**
 * A `SessionHost` whose sessions live in a worker_thread (`inference-worker.ts`), for processes whose main thread
 * must keep ticking while a model runs (runtime-notes C.3, C.5). Same interface as the in-process host: feeds are
 * checked and converted here (errors stay synchronous with the call), then their fresh buffers are transferred.
 */
import { DeforumError } from '../../errors.js';
import { spawnWorker } from '../../threads/spawn-worker.js';
import type { Latent } from '../tensor.js';
import type { Feed, ModelSession, SessionHost, TensorSpec } from './model-session.js';
import { prepareFeeds } from './prepare-feeds.js';
import type { SessionHostOptions } from './session.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function startInferenceWorker(options: SessionHostOptions = {}): SessionHost {
  const worker = spawnWorker(import.meta.url, 'inference-worker', {
    device: options.device,
    intraOpThreads: options.intraOpThreads,
  });
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
      // The constant feeds the worker keeps for this session, by input name: sent once, then named.
      const kept = new Map<string, Feed>();
      let released: Promise<void> | undefined;
      return {
        model,
        inputs: inputs as readonly TensorSpec[],
        outputs: outputs as readonly TensorSpec[],
        async run(feeds): Promise<Record<string, Latent>> {
          const { keep, reuse } = constantFeeds(feeds, kept);
          const tensors = prepareFeeds(model, inputs, feeds, true, new Set(reuse));
          for (const [name, feed] of keep) kept.set(name, feed);
          const result = await send(
            { op: 'run', handle, tensors, keep: [...keep.keys()], reuse },
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

/**
 * A run's constant feeds (model-session.ts `Feed`): those whose array the worker already keeps (`reuse`) and those
 * it is to keep (`keep`). Copying SD's 2×77×768 context to the worker at every call cost about 0.2 ms of the
 * 0.5–0.7 ms each call spent outside the run (bench/diffusion.bench.ts, `outside_run_fraction_worker`).
 */
function constantFeeds(
  feeds: Readonly<Record<string, Feed>>,
  kept: ReadonlyMap<string, Feed>,
): { keep: Map<string, Feed>; reuse: string[] } {
  const keep = new Map<string, Feed>();
  const reuse: string[] = [];
  for (const [name, feed] of Object.entries(feeds)) {
    if (feed.kind !== 'float' || feed.constant !== true) continue;
    const held = kept.get(name);
    if (held !== undefined && held.data === feed.data && sameDims(held.dims, feed.dims)) reuse.push(name);
    else keep.set(name, feed);
  }
  return { keep, reuse };
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

/**
 * The worker_thread that owns the onnxruntime sessions, so `session.run` (synchronous in onnxruntime-node 1.30,
 * runtime-notes C.3) blocks this thread and never the caller's event loop (leases, Discord, ffmpeg; C.5).
 * Started by `worker-host.ts`; it answers one request at a time in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isDeforumError } from '../../errors.js';
import type { PreparedTensor } from './model-session.js';
import { createRawOpener, type RawSession } from './session.js';
import type { WorkerOptions, WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('inference-worker.ts runs only as a worker thread (see worker-host.ts)');

const options = workerData as WorkerOptions;
const open = createRawOpener({
  ...options,
  onWarning: (message) => port.postMessage({ id: -1, ok: true, op: 'warning', message } satisfies WorkerReply),
});
const sessions = new Map<number, RawSession>();
/** Per session, the constant feeds sent once and reused by later runs (worker-host.ts). */
const keptTensors = new Map<number, Map<string, PreparedTensor>>();
let nextHandle = 1;

async function handle(request: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  switch (request.op) {
    case 'open': {
      const session = await open(request.modelPath, request.model);
      const handleId = nextHandle++;
      sessions.set(handleId, session);
      const reply: WorkerReply = {
        id: request.id,
        ok: true,
        op: 'open',
        handle: handleId,
        inputs: [...session.inputs],
        outputs: [...session.outputs],
      };
      return { reply, transfer: [] };
    }
    case 'run': {
      const session = sessionFor(request.handle);
      const tensors = withKeptTensors(request.handle, request.tensors, request.keep, request.reuse);
      const started = performance.now();
      const outputs = await session.run(tensors);
      const runMs = performance.now() - started;
      const transfer = [...new Set(Object.values(outputs).map((value) => value.data.buffer as ArrayBuffer))];
      return { reply: { id: request.id, ok: true, op: 'run', outputs, runMs }, transfer };
    }
    case 'release': {
      await sessionFor(request.handle).release();
      sessions.delete(request.handle);
      keptTensors.delete(request.handle);
      return { reply: { id: request.id, ok: true, op: 'release' }, transfer: [] };
    }
  }
}

/** Keeps the run's `keep` tensors for later runs and adds the kept ones it names in `reuse`. */
function withKeptTensors(
  handleId: number,
  sent: readonly PreparedTensor[],
  keep: readonly string[],
  reuse: readonly string[],
): PreparedTensor[] {
  let kept = keptTensors.get(handleId);
  if (kept === undefined) keptTensors.set(handleId, (kept = new Map()));
  for (const tensor of sent) if (keep.includes(tensor.name)) kept.set(tensor.name, tensor);
  const tensors = [...sent];
  for (const name of reuse) {
    const tensor = kept.get(name);
    if (tensor === undefined) throw new Error(`the inference worker keeps no '${name}' for session ${handleId}`);
    tensors.push(tensor);
  }
  return tensors;
}

function sessionFor(handleId: number): RawSession {
  const session = sessions.get(handleId);
  if (session === undefined) throw new Error(`no open session ${handleId} in the inference worker`);
  return session;
}

let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const { reply, transfer } = await handle(request);
      port.postMessage(reply, transfer);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reply: WorkerReply = isDeforumError(error)
        ? { id: request.id, ok: false, message, details: error.details }
        : { id: request.id, ok: false, message };
      port.postMessage(reply);
    }
  });
});

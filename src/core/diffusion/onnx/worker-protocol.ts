/**
 * Messages between `worker-host.ts` (caller's thread) and `inference-worker.ts` (the thread that owns the
 * onnxruntime sessions). Tensors travel as typed arrays whose buffers are transferred, not copied.
 */
import type { ErrorDetails } from '../../errors.js';
import type { Latent } from '../tensor.js';
import type { PreparedTensor, TensorSpec } from './model-session.js';
import type { DeviceName } from './providers.js';

export interface WorkerOptions {
  device?: DeviceName;
  intraOpThreads?: number;
}

export type WorkerRequest =
  | { id: number; op: 'open'; modelPath: string; model: string }
  | {
      id: number;
      op: 'run';
      handle: number;
      tensors: PreparedTensor[];
      /** Inputs among `tensors` that the worker keeps for later runs of the session (constant feeds). */
      keep: string[];
      /** Inputs not in `tensors`: the worker runs with the tensors it kept under these names. */
      reuse: string[];
    }
  | { id: number; op: 'release'; handle: number };

export type WorkerReply =
  | { id: number; ok: true; op: 'open'; handle: number; inputs: TensorSpec[]; outputs: TensorSpec[] }
  | { id: number; ok: true; op: 'run'; outputs: Record<string, Latent>; runMs: number }
  | { id: number; ok: true; op: 'release' }
  | { id: number; ok: false; message: string; details?: ErrorDetails }
  | { id: -1; ok: true; op: 'warning'; message: string };

/**
 * A helper thread of the image pool (row-pool.ts): for each job it receives, it claims and runs chunks beside the
 * caller's thread until none is left. It says it is ready once the kernels are loaded; a job for a kernel it does
 * not know, or whose `prepare` (such as loading OpenCV) has not finished here yet, is left to the caller.
 */
import { parentPort } from 'node:worker_threads';
import { ROW_KERNELS } from './row-kernels.js';
import { DONE_BY_HELPER, runClaimedChunks, type RowBuffers, type RowKernel, type RowMessage } from './row-pool.js';

const port = parentPort;
if (port === null) throw new Error('row-worker.ts runs only as a worker thread (see row-pool.ts)');

const kernels = new Map<string, RowKernel<object, RowBuffers>>(
  ROW_KERNELS.map((kernel) => [kernel.name, kernel as unknown as RowKernel<object, RowBuffers>]),
);

/** Kernels whose `prepare` has finished here; one still loading is left to the caller meanwhile. */
const prepared = new Set<string>();
const preparing = new Set<string>();

port.on('message', (job: RowMessage) => {
  const kernel = kernels.get(job.kernel);
  if (kernel === undefined) return;
  if (kernel.prepare !== undefined && !prepared.has(kernel.name)) {
    if (!preparing.has(kernel.name)) {
      preparing.add(kernel.name);
      // A kernel that cannot load here stays with the caller, which meets the failure itself.
      kernel.prepare().then(
        () => prepared.add(kernel.name),
        () => undefined,
      );
    }
    return;
  }
  runClaimedChunks(kernel.run, job.params, job.buffers, job.rows, job.control, DONE_BY_HELPER);
});
port.postMessage('ready');

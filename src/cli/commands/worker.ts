/**
 * `deforum worker [--concurrency N] [--models DIR] [--port P]`: a render worker of the fleet (src/worker/main.ts).
 * Configuration comes from the environment (DATABASE_URL, DEFORUM_STORAGE_DIR, DEFORUM_MODELS_DIR, ...; see
 * src/worker/worker-config.ts); the flags override it. SIGTERM or SIGINT: the frame in flight is recorded, the job
 * goes back to the queue, and the process exits 0.
 */
import type { Command } from 'commander';
import { runWorker } from '../../worker/main.js';
import { loadWorkerConfig, type WorkerFlags } from '../../worker/worker-config.js';
import { usageError, wholeNumberOption } from '../cli-arguments.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Render queued jobs: claim, render, checkpoint every frame, until SIGTERM')
    .option('--concurrency <n>', 'jobs rendered at once (keeps a GPU busy)', wholeNumberOption('--concurrency', 64))
    .option('--models <dir>', 'a diffusers ONNX export; without one the worker serves preview jobs only')
    .option('--port <p>', 'port of /health and /metrics (0: any free port)', portOption)
    .action(async (options: WorkerFlags) => {
      const config = loadWorkerConfig(process.env, options);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        await runWorker(config, stop.signal);
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}

function portOption(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw usageError('--port', `'${text}' is not a port number from 0 to 65535`);
  }
  return port;
}

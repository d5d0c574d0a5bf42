/**
 * Starts a worker_thread from a module beside the caller, whether the engine runs compiled (`.js`) or as
 * TypeScript under tsx or vitest: then a small bootstrap registers tsx's loader in the new thread first, because
 * Node 20 does not apply `--import` hooks to a worker's entry module.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * `callerUrl` is the caller's `import.meta.url`; `entryName` the worker module's file name without extension,
 * in the caller's folder (or relative to it).
 */
export function spawnWorker(callerUrl: string, entryName: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${entryName}.js`, callerUrl), { workerData });
  const entry = new URL(`./${entryName}.ts`, callerUrl).href;
  // require.resolve finds the CommonJS build of tsx's API; the thread needs its ESM twin beside it.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

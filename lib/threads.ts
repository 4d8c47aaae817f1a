import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module of this repository. Pulse runs its TypeScript through
 * tsx, and on Node 20 a worker thread neither inherits tsx's loader nor honours it in
 * `execArgv`, so a `.ts` entry is reached through a small bootstrap that registers tsx in the
 * new thread first.
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

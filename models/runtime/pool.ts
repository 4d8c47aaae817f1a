import type { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../../lib/config.ts';
import { PulseError, type ErrorCode } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import { startWorker } from '../../lib/threads.ts';
import type { Prediction } from '../../lib/sentiment.ts';
import type { ClassifierInfo } from './classifier.ts';

export type ToWorker = { id: number; texts: readonly string[] };
type WorkerError = { code: ErrorCode; message: string };
export type FromWorker =
  | { type: 'ready'; info: ClassifierInfo }
  | { type: 'failed'; error: WorkerError }
  | { type: 'result'; id: number; predictions: Prediction[]; error?: undefined }
  | { type: 'result'; id: number; error: WorkerError };

interface Job {
  id: number;
  texts: readonly string[];
  resolve(p: Prediction[]): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  /** Set by `close` while a job runs: called once it has settled. */
  idle?: () => void;
}

const workerUrl = new URL('./pool-worker.ts', import.meta.url);

/**
 * A fixed set of worker threads, each holding one ONNX Runtime session, so that inference
 * never blocks the caller's event loop. Requests are cut into batches of `batchSize` and
 * handed to whichever thread is free; a thread that dies fails only its own batch and is
 * replaced.
 */
export class ModelPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly config: ModelConfig,
    readonly info: ClassifierInfo,
  ) {}

  static async start(config: ModelConfig): Promise<ModelPool> {
    const first = await spawn(config);
    const pool = new ModelPool(config, first.info);
    pool.adopt(first.worker);
    const rest = await Promise.allSettled(Array.from({ length: config.threads - 1 }, () => spawn(config)));
    for (const r of rest) if (r.status === 'fulfilled') pool.adopt(r.value.worker);
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    const { model, provider, fallbackReason } = pool.info;
    log.info({ model, provider, fallbackReason, threads: pool.size, batchSize: config.batchSize }, 'model pool ready');
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Classifies any number of texts, in order; the batches run in parallel across threads. */
  async classify(texts: readonly string[]): Promise<Prediction[]> {
    if (this.closed) throw new PulseError('MODEL_POOL_CLOSED', 'model pool is closed');
    const batches: Promise<Prediction[]>[] = [];
    for (let i = 0; i < texts.length; i += this.config.batchSize) {
      const chunk = texts.slice(i, i + this.config.batchSize);
      batches.push(new Promise((resolve, reject) => this.queue.push({ id: this.nextId++, texts: chunk, resolve, reject })));
    }
    this.dispatch();
    return (await Promise.all(batches)).flat();
  }

  /**
   * Queued batches are refused; a batch running in a thread finishes first, because
   * terminating a thread inside ONNX Runtime's native run() aborts the whole process.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new PulseError('MODEL_POOL_CLOSED', 'model pool closed'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => (s.job ? new Promise<void>((resolve) => (s.idle = resolve)) : undefined)));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private adopt(worker: Worker): void {
    const slot: Slot = { worker };
    this.slots.push(slot);
    worker.on('message', (msg: FromWorker) => {
      if (msg.type !== 'result' || !slot.job || slot.job.id !== msg.id) return;
      const job = slot.job;
      slot.job = undefined;
      if (msg.error) job.reject(new PulseError(msg.error.code, msg.error.message));
      else job.resolve(msg.predictions);
      slot.idle?.();
      this.dispatch();
    });
    worker.on('error', (err) => slot.job?.reject(new PulseError('MODEL_INFERENCE_FAILED', `inference thread crashed: ${err.message}`)));
    worker.on('exit', (code) => {
      slot.job?.reject(new PulseError('MODEL_INFERENCE_FAILED', 'inference thread exited'));
      slot.job = undefined;
      slot.idle?.();
      const at = this.slots.indexOf(slot);
      // Gone already: closing removed every slot first (those exits are expected), or the exit was
      // reported before; splicing at -1 would drop a live thread instead.
      if (at < 0) return;
      if (!this.closed) log.error({ code }, 'inference thread exited; replacing it');
      this.slots.splice(at, 1);
      if (!this.closed) void this.replace();
    });
  }

  private async replace(): Promise<void> {
    try {
      const { worker } = await spawn(this.config);
      if (this.closed) await worker.terminate();
      else {
        this.adopt(worker);
        this.dispatch();
      }
    } catch {
      // The model loaded before, so this is resource exhaustion; the remaining threads carry on.
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, texts: job.texts } satisfies ToWorker);
    }
  }
}

function spawn(config: ModelConfig): Promise<{ worker: Worker; info: ClassifierInfo }> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(workerUrl, { workerData: config });
    const onExit = (code: number) => reject(new PulseError('MODEL_INVALID', `inference thread exited with code ${code} while loading`));
    worker.once('exit', onExit);
    worker.once('error', reject);
    worker.once('message', (msg: FromWorker) => {
      worker.off('exit', onExit);
      worker.off('error', reject);
      if (msg.type === 'ready') resolve({ worker, info: msg.info });
      else {
        void worker.terminate();
        reject(new PulseError(msg.type === 'failed' ? msg.error.code : 'MODEL_INVALID', msg.type === 'failed' ? msg.error.message : 'unexpected message'));
      }
    });
  });
}

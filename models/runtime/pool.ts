import type { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../../lib/config.ts';
import { PulseError, type ErrorCode } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import { startWorker } from '../../lib/threads.ts';
import type { Prediction } from '../../lib/sentiment.ts';
import type { ClassifierInfo } from './classifier.ts';

/**
 * The name each inference thread gives itself as the OS shows it (`top -H`,
 * /proc/<pid>/task/<tid>/comm): Node names every thread it starts after the process, so
 * without it the inference threads cannot be told from libuv's pool or the garbage collector's
 * helpers when one looks for where the CPU goes (bench:pipeline's "by thread" line reads it).
 * The thread names itself before it loads the model, so threads ONNX Runtime starts from it
 * carry the name too.
 */
export const InferenceThreadName = 'pulse-infer';

export type ToWorker = { id: number; texts: readonly string[] };
type WorkerError = { code: ErrorCode; message: string };
export type FromWorker =
  | { type: 'ready'; info: ClassifierInfo }
  | { type: 'failed'; error: WorkerError }
  | { type: 'result'; id: number; predictions: Prediction[]; error?: undefined }
  | { type: 'result'; id: number; error: WorkerError };

/** One caller's chunk of at most `batchSize` texts. */
interface Request {
  texts: readonly string[];
  resolve(p: Prediction[]): void;
  reject(e: Error): void;
  /** Its merged run failed: it runs by itself, so that only its own texts can fail it. */
  alone?: boolean;
}

/** One inference run in a thread: the queued requests merged into it, in order. */
interface Job {
  id: number;
  requests: Request[];
}

interface Slot {
  worker: Worker;
  /** Sent to the thread and not answered yet, oldest first (the thread runs them in that order). */
  jobs: Job[];
  /** Set by `close` while jobs run: called once they have settled. */
  idle?: () => void;
}

const workerUrl = new URL('./pool-worker.ts', import.meta.url);

/**
 * Runs sent to a thread at once: the one it works on and the next, already in its port when
 * the first ends, so it never waits for the main thread's turn. With one, a thread that
 * finished a run sat idle until the main thread (busy with ingest, the bus and inserts under
 * load) read its result and sent the next: at saturation the classifier's batches waited
 * 370–490 ms for inference with each thread busy about a third of the time. bench:pipeline
 * `--rate 13000 --seconds 15`, three runs each, alternated: 7,964 / 7,620 / 7,688 msgs/s with
 * one run a thread, 8,115 / 8,207 / 8,764 with two.
 */
const RunsPerThread = 2;

/**
 * A fixed set of worker threads, each holding one ONNX Runtime session, so that inference
 * never blocks the caller's event loop. Requests are cut into chunks of `batchSize`; a thread
 * with room for a run ({@link RunsPerThread}) takes the queued chunks together, up to
 * `batchSize` texts, in one run. So the inference batch does not depend on how callers cut
 * their work: the classifier's small micro-batches of several partitions (a Kafka fetch brings
 * a few dozen records per partition) become one full batch, and a queue only forms while every
 * thread is busy, which is when merging pays. A thread that dies fails only its own runs and
 * is replaced.
 */
export class ModelPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Request[] = [];
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
      batches.push(new Promise((resolve, reject) => this.queue.push({ texts: chunk, resolve, reject })));
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
    for (const request of this.queue.splice(0)) request.reject(new PulseError('MODEL_POOL_CLOSED', 'model pool closed'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => (s.jobs.length ? new Promise<void>((resolve) => (s.idle = resolve)) : undefined)));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private adopt(worker: Worker): void {
    const slot: Slot = { worker, jobs: [] };
    this.slots.push(slot);
    worker.on('message', (msg: FromWorker) => {
      if (msg.type !== 'result' || slot.jobs[0]?.id !== msg.id) return;
      const job = slot.jobs.shift()!;
      if (msg.error) this.failed(job, new PulseError(msg.error.code, msg.error.message));
      else this.succeeded(job, msg.predictions);
      if (!slot.jobs.length) slot.idle?.();
      this.dispatch();
    });
    worker.on('error', (err) => {
      for (const job of slot.jobs.splice(0)) this.failed(job, new PulseError('MODEL_INFERENCE_FAILED', `inference thread crashed: ${err.message}`));
    });
    worker.on('exit', (code) => {
      for (const job of slot.jobs.splice(0)) this.failed(job, new PulseError('MODEL_INFERENCE_FAILED', 'inference thread exited'));
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
    // Every thread gets a run before any gets its second.
    for (let queued = 1; queued <= RunsPerThread; queued++) {
      for (const slot of this.slots) {
        if (slot.jobs.length >= queued) continue;
        const job = this.nextJob();
        if (!job) return;
        slot.jobs.push(job);
        const texts = job.requests.length === 1 ? job.requests[0]!.texts : job.requests.flatMap((r) => r.texts);
        slot.worker.postMessage({ id: job.id, texts } satisfies ToWorker);
      }
    }
  }

  /** The queued requests that fit in one batch, oldest first; one that must run alone runs alone. */
  private nextJob(): Job | undefined {
    const first = this.queue.shift();
    if (!first) return undefined;
    const requests = [first];
    let size = first.texts.length;
    while (!first.alone && this.queue.length) {
      const next = this.queue[0]!;
      if (next.alone || size + next.texts.length > this.config.batchSize) break;
      requests.push(this.queue.shift()!);
      size += next.texts.length;
    }
    return { id: this.nextId++, requests };
  }

  private succeeded(job: Job, predictions: Prediction[]): void {
    let at = 0;
    for (const request of job.requests) {
      request.resolve(predictions.slice(at, at + request.texts.length));
      at += request.texts.length;
    }
  }

  /**
   * A run of one request fails that request. A merged run is retried request by request, at
   * the head of the queue: one caller's poisonous text must not fail another caller's batch.
   */
  private failed(job: Job, error: Error): void {
    if (job.requests.length === 1 || this.closed) {
      for (const request of job.requests) request.reject(error);
      return;
    }
    this.queue.unshift(...job.requests.map((r) => ({ ...r, alone: true })));
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

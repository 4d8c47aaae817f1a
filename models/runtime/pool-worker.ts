/** Entry point of one inference thread: one Classifier (tokenizer + ONNX session). */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';
import { Classifier } from './classifier.ts';
import { InferenceThreadName, type FromWorker, type ToWorker } from './pool.ts';

// Linux only; elsewhere the thread keeps Node's name and only that is lost.
try {
  fs.writeFileSync('/proc/thread-self/comm', InferenceThreadName);
} catch {
  // not Linux, or /proc not mounted
}

const port = parentPort!;
const send = (msg: FromWorker) => port.postMessage(msg);
const asError = (err: unknown) => ({
  code: isPulseError(err) ? err.code : ('MODEL_INFERENCE_FAILED' as const),
  message: err instanceof Error ? err.message : String(err),
});

try {
  const classifier = await Classifier.load(workerData as ModelConfig);
  // The pool queues a thread's next run while the current one runs (pool.ts, RunsPerThread):
  // runs go one after another, in the order they came, so results come back in that order.
  let previous = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    previous = previous.then(async () => {
      try {
        send({ type: 'result', id: msg.id, predictions: await classifier.classify(msg.texts) });
      } catch (err) {
        send({ type: 'result', id: msg.id, error: asError(err) });
      }
    });
  });
  send({ type: 'ready', info: classifier.info });
} catch (err) {
  send({ type: 'failed', error: asError(err) });
}

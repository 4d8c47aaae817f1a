/**
 * The pipeline bench's steady load: POSTs of `batch` messages at `rate` msgs/s, one after
 * another, for `seconds` or until stopped. A POST answered 503/429 is sent again after its
 * `Retry-After` (`postUntilAccepted`), so under back-pressure the sender falls behind the
 * offered rate as a real client would, and catches up in full batches once it is let through.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { postUntilAccepted, type BenchMessage, type Refusals } from './pulse-api.ts';

export interface PacedSenderOptions {
  url: string;
  rate: number;
  batch: number;
  /** How long to offer the rate; Infinity: until `stop`. */
  seconds: number;
  stop?: AbortSignal;
  refusals: Refusals;
  /** Makes the next `n` messages, just before they are posted. */
  make(n: number): BenchMessage[];
  /** A POST was acknowledged: its messages, the ids ingest named, and how long it took (refusal waits included). */
  onAccepted?(messages: readonly BenchMessage[], ids: readonly string[], postMs: number): void;
}

/** Resolves when the time is up (or `stop` aborted) and the last POST is answered. */
export async function sendPaced(options: PacedSenderOptions): Promise<void> {
  const { rate, batch, seconds } = options;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let next = 0;
  while (elapsed() < seconds && !options.stop?.aborted) {
    const due = Math.min(rate * seconds, Math.floor(elapsed() * rate)) - next;
    // The last, partial batch goes out in the final 50 ms so that the run offers rate × seconds.
    if (due >= batch || (due > 0 && elapsed() >= seconds - 0.05)) {
      const messages = options.make(Math.min(due, batch));
      next += messages.length;
      const t0 = performance.now();
      const ids = await postUntilAccepted(options.url, messages, options.refusals);
      options.onAccepted?.(messages, ids, performance.now() - t0);
    } else await sleep(5);
  }
}

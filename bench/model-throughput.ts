/**
 * The raw model measurement that `bench:model` prints per batch size and `bench:pipeline --max`
 * takes as its reference: one measuring loop, so the two benches' figures stay comparable.
 *
 * `pool.size` callers keep one batch each in flight for the given seconds, so every thread is
 * busy and a batch's latency is its own tokenise + inference time, without queueing. Texts are
 * cycled in order.
 */
import type { ModelConfig } from '../lib/config.ts';
import { ModelPool } from '../models/runtime/pool.ts';
import { percentile } from './percentile.ts';

/** One batch size's figures; the first five fields are `bench:model --json`'s `results` rows. */
export interface ModelBatchResult {
  batch: number;
  msgsPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  batches: number;
}

/** The batch size the pipeline's reference is measured at (the figures use it). */
export const referenceBatch = 64;

/** One round on every thread, so the first measured batch size does not pay session start-up. */
export async function warmUp(pool: ModelPool, texts: readonly string[], maxBatch: number): Promise<void> {
  await pool.classify(texts.slice(0, maxBatch * pool.size));
}

export async function measureBatch(pool: ModelPool, texts: readonly string[], size: number, seconds: number): Promise<ModelBatchResult> {
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: pool.size }, async () => {
      while (performance.now() < deadline) {
        const batch = Array.from({ length: size }, () => texts[next++ % texts.length]!);
        const t0 = performance.now();
        await pool.classify(batch);
        latencies.push(performance.now() - t0);
        done += size;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    batch: size,
    msgsPerSec: Math.round(done / elapsed),
    p50Ms: percentile(latencies, 0.5),
    p90Ms: percentile(latencies, 0.9),
    p99Ms: percentile(latencies, 0.99),
    batches: latencies.length,
  };
}

/**
 * The reference for `bench:pipeline --max`: a pool of its own at the reference batch, warmed up,
 * measured, and closed again before the server starts, so the two never share the cores.
 */
export async function measureRawModel(model: ModelConfig, texts: readonly string[], seconds: number): Promise<ModelBatchResult> {
  const pool = await ModelPool.start({ ...model, batchSize: referenceBatch });
  try {
    await warmUp(pool, texts, referenceBatch);
    return await measureBatch(pool, texts, referenceBatch, seconds);
  } finally {
    await pool.close();
  }
}

/**
 * `npm run bench:model`: classification throughput and batch latency of the configured model
 * through the same worker-thread pool the workers use.
 *
 * For each batch size, `threads` callers keep one batch each in flight for `--seconds`, so every
 * thread is busy and a batch's latency is its own tokenise + inference time, without queueing.
 * Texts are real tweets (TweetEval validation) cycled in order.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { readDataset } from '../lib/datasets.ts';
import { ModelPool } from '../models/runtime/pool.ts';
import { percentile } from './percentile.ts';

const help = `Usage: npm run bench:model [-- --seconds N --batches 1,8,32,64,128]

Prints msgs/s and p50/p90/p99 batch latency per batch size for the configured model
(MODEL_DIR, PULSE_DEVICE, PULSE_MODEL_THREADS), and the execution provider used.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      batches: { type: 'string', default: '1,8,32,64,128' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  const config = loadConfig();
  const texts = readDataset(config.datasetsDir, 'tweeteval-val').map((r) => r.text);
  const seconds = Number(values.seconds);
  const sizes = values.batches.split(',').map(Number);
  const maxBatch = Math.max(...sizes);
  // Each batch is sent whole to one thread, as a classifier worker's micro-batch is.
  const pool = await ModelPool.start({ ...config.model, batchSize: maxBatch });
  try {
    console.log(`model ${pool.info.model} · provider ${pool.info.provider}${pool.info.fallbackReason ? ` (${pool.info.fallbackReason})` : ''}`);
    console.log(`${pool.size} inference threads · ${os.availableParallelism()} cores · ${os.cpus()[0]?.model ?? ''} · node ${process.version}`);
    console.log(`texts: ${texts.length} TweetEval validation tweets, cycled; ${seconds} s per batch size\n`);
    console.log(' batch      msgs/s    p50 ms    p90 ms    p99 ms   batches');
    await pool.classify(texts.slice(0, maxBatch * pool.size)); // warm-up
    for (const size of sizes) {
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
      const row = [percentile(latencies, 0.5), percentile(latencies, 0.9), percentile(latencies, 0.99)].map((x) => x.toFixed(2).padStart(9));
      console.log(`${String(size).padStart(6)} ${Math.round(done / elapsed).toString().padStart(11)} ${row.join(' ')} ${String(latencies.length).padStart(9)}`);
    }
  } finally {
    await pool.close();
  }
}

runCli(main);

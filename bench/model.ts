/**
 * `npm run bench:model`: classification throughput and batch latency of the configured model
 * through the same worker-thread pool the workers use (the measuring loop is
 * `model-throughput.ts`, shared with `bench:pipeline --max`). Texts are real tweets (TweetEval
 * validation) cycled in order.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { readDataset } from '../lib/datasets.ts';
import { ModelPool } from '../models/runtime/pool.ts';
import { measureBatch, warmUp, type ModelBatchResult } from './model-throughput.ts';

const help = `Usage: npm run bench:model [-- --seconds N --batches 1,8,32,64,128 --json]

Prints msgs/s and p50/p90/p99 batch latency per batch size for the configured model
(MODEL_DIR, PULSE_DEVICE, PULSE_MODEL_THREADS), and the execution provider used.

  --seconds N       measuring time per batch size (default 5)
  --batches LIST    batch sizes, comma-separated (default 1,8,32,64,128)
  --json            also print, as the last stdout line, one JSON object:
                    {"provider","threads","results":[{"batch","msgsPerSec","p50Ms","p90Ms","p99Ms"}]}
  -h, --help        show this help`;

/** The last stdout line with --json: what a script compares between runs and machines. */
interface ModelBenchJson {
  provider: string;
  threads: number;
  results: Array<Omit<ModelBatchResult, 'batches'>>;
}

function modelBenchJson(provider: string, threads: number, results: readonly ModelBatchResult[]): ModelBenchJson {
  const ms = (x: number) => Math.round(x * 100) / 100;
  return {
    provider,
    threads,
    results: results.map((r) => ({ batch: r.batch, msgsPerSec: r.msgsPerSec, p50Ms: ms(r.p50Ms), p90Ms: ms(r.p90Ms), p99Ms: ms(r.p99Ms) })),
  };
}

function tableRow(r: ModelBatchResult): string {
  const ms = [r.p50Ms, r.p90Ms, r.p99Ms].map((x) => x.toFixed(2).padStart(9));
  return `${String(r.batch).padStart(6)} ${String(r.msgsPerSec).padStart(11)} ${ms.join(' ')} ${String(r.batches).padStart(9)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      batches: { type: 'string', default: '1,8,32,64,128' },
      json: { type: 'boolean', default: false },
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
    await warmUp(pool, texts, maxBatch);
    const results: ModelBatchResult[] = [];
    for (const size of sizes) {
      const result = await measureBatch(pool, texts, size, seconds);
      results.push(result);
      console.log(tableRow(result));
    }
    if (values.json) console.log(JSON.stringify(modelBenchJson(pool.info.provider, pool.size, results)));
  } finally {
    await pool.close();
  }
}

runCli(main);

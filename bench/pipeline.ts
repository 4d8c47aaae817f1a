/**
 * `npm run bench:pipeline`: drives a real Pulse server process at a fixed ingest rate and
 * measures what a user would: sustained throughput, ingest → row-visible latency, consumer
 * lag over time, and CPU / memory of each process.
 *
 * Latency is read through the public API only. Every 100 ms the bench asks `/api/stats` how
 * many of its messages are stored (the per-second aggregate is written in the same insert as
 * the rows); the k-th message sent is taken as visible at the first poll that counts ≥ k
 * messages (first in, first out). The figures are therefore accurate to about ±50 ms plus one
 * stats query, and include the server's HTTP handling, the bus, micro-batching, inference and
 * the ClickHouse insert.
 *
 * Absolute rates differ between machines, so `--max` first measures the raw model on the same
 * machine (the same loop as `bench:model`, at batch 64) and offers 1.3× that: more than the
 * pipeline can take, so `sustained` is its maximum, and sustained ÷ raw is the comparable figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { readDataset } from '../lib/datasets.ts';
import { PulseError } from '../lib/errors.ts';
import { repoRoot } from '../lib/paths.ts';
import { startKafkaMock } from '../harness/kafka-mock.ts';
import { measureRawModel, referenceBatch, type ModelBatchResult } from './model-throughput.ts';
import { percentile } from './percentile.ts';

/** Seconds the raw model is measured for with --max: enough for a stable rate, short beside the load. */
const rawModelSeconds = 5;
/** What --max offers, as a multiple of the raw model's rate: enough to saturate the pipeline. */
const overload = 1.3;

const help = `Usage: npm run bench:pipeline -- [--rate N | --max] [--seconds N] [--kafka | --memory-bus] [--batch N] [--json]

Starts a Pulse server (embedded runtime: in-process bus over its durable log + chdb; with
--kafka: a Kafka-protocol broker from librdkafka's mock cluster via kcat, same process layout
otherwise), posts real tweets to /api/ingest at --rate msgs/s for --seconds, waits for the
backlog to drain, and prints throughput, ingest → visible latency p50/p90/p99, lag over time
and CPU/memory per process.

  --rate N      messages per second offered (default 1000)
  --max         measure the raw model first (as bench:model at batch ${referenceBatch}, ${rawModelSeconds} s), offer
                ${overload}× that rate, and print sustained ÷ raw: comparable between machines
  --seconds N   duration of the offered load (default 20)
  --batch N     messages per POST (default: rate / 20, i.e. a POST every 50 ms)
  --kafka       use the Kafka bus (needs Debian's kcat)
  --memory-bus  the in-process bus without its durable log (PULSE_BUS_DURABLE=0): run once
                with and once without it to see what durability costs
  --json        also print, as the last stdout line, one JSON object:
                {"offered","sent","stored","sustained","latencyMs":{"p50","p90","p99"},
                 "serverCpuPercent","rssPeakMb"}, with --max also "rawModelMsgsPerSec","ratio"
  -h, --help    show this help

Model and batching settings come from the environment as for npm start (PULSE_BATCH_MAX,
PULSE_BATCH_WAIT_MS, PULSE_MODEL_THREADS, ...).`;

/** The last stdout line with --json: what a script compares between runs and machines. */
interface PipelineBenchJson {
  offered: number;
  sent: number;
  stored: number;
  sustained: number;
  latencyMs: { p50: number; p90: number; p99: number };
  serverCpuPercent: number;
  rssPeakMb: number;
  rawModelMsgsPerSec?: number;
  ratio?: number;
}

interface ProcSample {
  cpuSeconds: number;
  rssMb: number;
}

/** CPU time (user + system, all threads) and resident memory of a process, from /proc. */
function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: ticks / 100, rssMb: (rssPages * 4096) / 2 ** 20 };
  } catch {
    return undefined;
  }
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new PulseError('INPUT_INVALID', `server exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new PulseError('INPUT_INVALID', 'server did not become healthy within 60 s');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string' }, max: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, seconds: { type: 'string', default: '20' }, batch: { type: 'string' },
      kafka: { type: 'boolean', default: false }, 'memory-bus': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  const memoryBus = values['memory-bus'];
  if (memoryBus && values.kafka) throw new PulseError('INPUT_INVALID', '--memory-bus and --kafka exclude each other');
  if (values.max && values.rate !== undefined) throw new PulseError('INPUT_INVALID', '--max and --rate exclude each other');
  const seconds = Number(values.seconds);
  const config = loadConfig();
  const texts = readDataset(config.datasetsDir, 'tweeteval-val').map((r) => r.text);
  // Measured before the server starts, so the model has the cores to itself as in bench:model.
  const raw: ModelBatchResult | undefined = values.max ? await measureRawModel(config.model, texts, rawModelSeconds) : undefined;
  if (raw) console.log(`raw model   ${raw.msgsPerSec} msgs/s at batch ${raw.batch} over ${rawModelSeconds} s (p50 ${raw.p50Ms.toFixed(1)} ms · p99 ${raw.p99Ms.toFixed(1)} ms); offering ${overload}× that`);
  const rate = raw ? Math.round(raw.msgsPerSec * overload) : Number(values.rate ?? 1000);
  const batch = Math.max(1, Number(values.batch ?? Math.ceil(rate / 20)));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const url = `http://127.0.0.1:${port}`;
  const kafka = values.kafka ? await startKafkaMock() : undefined;
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', PULSE_DATA_DIR: dataDir, PULSE_DEMO: '0', LOG_LEVEL: 'warn',
    ...(kafka ? { KAFKA_BROKERS: kafka.brokers.join(','), PULSE_EMBEDDED_CLASSIFIERS: '1' } : {}),
    PULSE_BUS_DURABLE: memoryBus ? '0' : '1',
    // The bench is one client at one address: the per-address quota guards against one client
    // crowding out others, which is not what is measured here, so it is lifted above the offered rate.
    PULSE_INGEST_RATE_PER_IP: process.env.PULSE_INGEST_RATE_PER_IP ?? String(Math.max(20_000, 2 * rate)),
    PULSE_INGEST_BURST: process.env.PULSE_INGEST_BURST ?? String(Math.max(20_000, 2 * rate)),
  };
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server', 'main.ts')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const source = `bench-${Date.now()}`;
  try {
    await waitForServer(url, server);
    const bus = kafka ? `Kafka bus (mock cluster, ${kafka.brokers.length} brokers)` : `in-process bus (${memoryBus ? 'memory only' : 'durable log'})`;
    console.log(`pipeline bench · ${bus} · chdb · ${os.availableParallelism()} cores · node ${process.version}`);
    console.log(`offered ${rate} msgs/s for ${seconds} s in POSTs of ${batch} · PULSE_BATCH_MAX=${config.classifier.batchMax} PULSE_BATCH_WAIT_MS=${config.classifier.batchWaitMs} PULSE_MODEL_THREADS=${config.model.threads}\n`);

    const sentAt: number[] = [];
    const visibleAt: number[] = [];
    const postMs: number[] = [];
    const lagSeries: Array<[number, number]> = [];
    const cpuStart = { server: sampleProc(server.pid!)!, bench: process.cpuUsage() };
    let peakRss = 0;
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    let sending = true;
    let refusals = 0;

    const sender = (async () => {
      let next = 0;
      while (elapsed() < seconds) {
        const due = Math.min(rate * seconds, Math.floor(elapsed() * rate)) - next;
        if (due >= batch || (due > 0 && elapsed() >= seconds - 0.05)) {
          const n = Math.min(due, batch);
          const body = Array.from({ length: n }, (_, i) => ({ source, text: texts[(next + i) % texts.length]! }));
          const t0 = performance.now();
          for (let i = 0; i < n; i++) sentAt.push(t0);
          next += n;
          for (;;) {
            const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
            await res.arrayBuffer();
            if (res.status === 202) break;
            if (res.status !== 503 && res.status !== 429) throw new PulseError('INPUT_INVALID', `ingest answered ${res.status}`);
            // Backlog gate (or quota): wait as told and send the batch again. Its messages keep
            // their first send time, so the wait counts in their latency, and the sender falls
            // behind the offered rate, as a real client would.
            refusals++;
            await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
          }
          postMs.push(performance.now() - t0);
        } else await sleep(5);
      }
      sending = false;
    })();

    const from = new Date(Date.now() - 60_000).toISOString();
    const poller = (async () => {
      let lastLag = -1;
      while (sending || visibleAt.length < sentAt.length) {
        if (elapsed() > seconds + 120) break;
        const res = await fetch(`${url}/api/stats?source=${source}&bucket=1h&from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`);
        const { buckets } = (await res.json()) as { buckets: Array<{ count: number }> };
        const visible = buckets.reduce((s, b) => s + b.count, 0);
        const now = performance.now();
        while (visibleAt.length < Math.min(visible, sentAt.length)) visibleAt.push(now);
        const second = Math.floor(elapsed());
        if (second !== lastLag) {
          lastLag = second;
          const health = (await (await fetch(`${url}/api/health`)).json()) as { lag: number | null };
          lagSeries.push([second, health.lag ?? NaN]);
          peakRss = Math.max(peakRss, sampleProc(server.pid!)?.rssMb ?? 0);
        }
        await sleep(100);
      }
    })();

    await sender;
    const sendSeconds = elapsed();
    await poller;
    const drainSeconds = elapsed();
    const cpuEnd = { server: sampleProc(server.pid!)!, bench: process.cpuUsage(cpuStart.bench) };

    const latencies = visibleAt.map((t, k) => t - sentAt[k]!).sort((a, b) => a - b);
    const lost = sentAt.length - visibleAt.length;
    const sustained = Math.round(visibleAt.length / drainSeconds);
    const latencyMs = { p50: Math.round(percentile(latencies, 0.5)), p90: Math.round(percentile(latencies, 0.9)), p99: Math.round(percentile(latencies, 0.99)) };
    console.log(`sent        ${sentAt.length} messages in ${sendSeconds.toFixed(1)} s = ${Math.round(sentAt.length / sendSeconds)} msgs/s offered`);
    console.log(`stored      ${visibleAt.length} messages, all visible after ${drainSeconds.toFixed(1)} s = ${sustained} msgs/s sustained${lost ? ` (${lost} NOT visible within the time limit)` : ''}`);
    console.log(`latency     ingest → visible in ClickHouse: p50 ${latencyMs.p50} ms · p90 ${latencyMs.p90} ms · p99 ${latencyMs.p99} ms · max ${latencies.at(-1)?.toFixed(0)} ms`);
    const posts = [...postMs].sort((a, b) => a - b);
    console.log(`POST        /api/ingest of ${batch}: p50 ${percentile(posts, 0.5).toFixed(1)} ms · p99 ${percentile(posts, 0.99).toFixed(1)} ms${refusals ? ` · ${refusals} POSTs answered 503/429 and were sent again (waits included)` : ''}`);
    console.log(`lag         (s: raw messages not yet committed) ${lagSeries.map(([s, l]) => `${s}:${l}`).join(' ')}`);
    const serverCpu = cpuEnd.server.cpuSeconds - cpuStart.server.cpuSeconds;
    const serverCpuPercent = Math.round((serverCpu / drainSeconds) * 100);
    console.log(`server      pid ${server.pid}: CPU ${serverCpuPercent} % of one core (${serverCpu.toFixed(1)} s), RSS peak ${peakRss.toFixed(0)} MB`);
    console.log(`bench       pid ${process.pid}: CPU ${(((cpuEnd.bench.user + cpuEnd.bench.system) / 1e6 / drainSeconds) * 100).toFixed(0)} % of one core, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
    const ratio = raw ? Math.round((sustained / raw.msgsPerSec) * 1000) / 1000 : undefined;
    if (raw) console.log(`max         ${sustained} msgs/s sustained ÷ ${raw.msgsPerSec} msgs/s raw model (batch ${raw.batch}) = ${ratio!.toFixed(3)}`);
    if (values.json) {
      const report: PipelineBenchJson = {
        offered: rate, sent: sentAt.length, stored: visibleAt.length, sustained, latencyMs, serverCpuPercent, rssPeakMb: Math.round(peakRss),
        ...(raw ? { rawModelMsgsPerSec: raw.msgsPerSec, ratio } : {}),
      };
      console.log(JSON.stringify(report));
    }
    if (lost) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await kafka?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runCli(main);

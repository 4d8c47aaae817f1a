/**
 * `npm run bench:pipeline`: drives a real Pulse server process at a fixed ingest rate and
 * measures what a user would: sustained throughput, ingest → row-visible latency, consumer
 * lag over time, and CPU / memory of each process.
 *
 * Latency is read through the public API only, per message (harness/post-visibility.ts): the
 * first 10 messages of every POST are probes with a source of their POST's own, and every 100 ms
 * the bench asks `/api/sources` how many messages of each of the run's sources are stored (the
 * per-second aggregate is written in the same insert as the rows); a probe is visible at the
 * first poll that counts it, and its latency runs from its own POST. A poll comes every
 * ~150 ms (the pause plus one query: ~45 ms at 5,000 msgs/s on 2 cores), so a figure is late by up
 * to that, ~75 ms on average; polling without the pause measured the same p99 (the extra
 * queries slow the server about as much as they sharpen the reading). The figures include the
 * server's HTTP handling, the bus, micro-batching, inference and the ClickHouse insert.
 *
 * Absolute rates differ between machines, so `--max` first measures the raw model on the same
 * machine (the same loop as `bench:model`, at batch 64) and offers 1.3× that: more than the
 * pipeline can take, so `sustained` is its maximum, and sustained ÷ raw is the comparable figure.
 *
 * `--burst N` is the other mode (bench/burst.ts): a base rate with N messages on top, as fast
 * as ingest takes them, and what the server does about it over time. Both modes drive the same
 * server (bench/bench-server.ts) with the same sender and readings.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { readDataset } from '../lib/datasets.ts';
import { PulseError } from '../lib/errors.ts';
import { startBenchServer, type BenchServer } from './bench-server.ts';
import { printBurst, runBurst } from './burst.ts';
import { measureRawModel, referenceBatch, type ModelBatchResult } from './model-throughput.ts';
import { sendPaced } from './paced-sender.ts';
import { percentile, quantiles } from './percentile.ts';
import { PostVisibility } from '../harness/post-visibility.ts';
import { Refusals } from './pulse-api.ts';
import { sampleProc, sampleServer, sampleThreads, stageMeans, threadCpuBetween } from './server-sampler.ts';

/** Seconds the raw model is measured for with --max: enough for a stable rate, short beside the load. */
const rawModelSeconds = 5;
/** What --max offers, as a multiple of the raw model's rate: enough to saturate the pipeline. */
const overload = 1.3;
/**
 * Messages sent in the first seconds meet a cold server: the engine's first inserts into new
 * tables, code not yet optimised by V8, empty tokenisation caches, and at rates above
 * PULSE_SCALE_LAG's worth of in-flight messages the autoscaler's first step. Their latency is
 * reported apart as well as in the whole; what comes after is the steady state a deployed server
 * runs in (at 5,250 msgs/s on 2 cores the first second's worst latency was 1.5–2× a later second's).
 */
const coldStartSeconds = 3;

const help = `Usage: npm run bench:pipeline -- [--rate N | --max] [--seconds N] [--kafka | --memory-bus] [--batch N] [--json]
       npm run bench:pipeline -- --burst N [--rate N] [--cooldown-wait S] [--kafka | --memory-bus] [--batch N] [--json]

Starts a Pulse server (embedded runtime: in-process bus over its durable log + chdb; with
--kafka: a Kafka-protocol broker from librdkafka's mock cluster via kcat, same process layout
otherwise), posts real tweets to /api/ingest at --rate msgs/s for --seconds, waits for the
backlog to drain, and prints throughput, ingest → visible latency p50/p90/p99 (of all
messages, of those sent after the first ${coldStartSeconds} s — the cold start — and the worst of each
second), lag over time, the classify stages' mean time per micro-batch (inference, store,
publish: pulse_classifier_stage_duration_seconds) and CPU/memory per process (the server's CPU
also by thread: main, inference, node's other threads, the embedded ClickHouse's). Latency is
sampled: the first 10 messages of every POST carry a source of their POST's own
(bench-<run>-<n>), and each one's latency runs from its POST to the first poll of
/api/sources that counts it.

  --rate N      messages per second offered (default 1000); with --burst, the base rate
  --max         measure the raw model first (as bench:model at batch ${referenceBatch}, ${rawModelSeconds} s), offer
                ${overload}× that rate, and print sustained ÷ raw: comparable between machines
  --seconds N   duration of the offered load (default 20)
  --batch N     messages per POST (default: rate / 20, i.e. a POST every 50 ms)
  --kafka       use the Kafka bus (needs Debian's kcat)
  --memory-bus  the in-process bus without its durable log (PULSE_BUS_DURABLE=0): run once
                with and once without it to see what durability costs
  --json        also print, as the last stdout line, one JSON object:
                {"offered","sent","stored","sustained","latencyMs":{"p50","p90","p99"},
                 "warmLatencyMs":{"p50","p90","p99"},"serverCpuPercent","rssPeakMb"} (warm: the
                 messages sent after the first ${coldStartSeconds} s), with --max also "rawModelMsgsPerSec","ratio";
                with --burst the burst report (below)
  -h, --help    show this help

Burst mode:
  --burst N     the base rate runs from start to end; after 5 s, N messages go in POSTs of 500,
                4 in flight, as fast as ingest accepts them (503/429: wait Retry-After, send the
                same POST again; counted). Once a second it samples the classifier lag and
                members (pulse_classifier_consumer_lag, pulse_classifier_members, and
                pulse_classifier_scale_events_total from /metrics; "–" where not exported) and
                the server's RSS, and prints that timeline, every scale step and the first
                scale-up's delay after the lag passed PULSE_SCALE_LAG (default 1000), the time
                from the burst's start until all of it is visible and until the lag is under
                the threshold again, peak RSS, and the check of every id once the base load has
                stopped and the backlog drained: lost (acknowledged, not stored) and duplicated
                (listed or counted more than once). Exits 1 if any acknowledged message was
                lost, duplicated or left uncounted, or the burst was not visible within 300 s.
  --cooldown-wait S  once the burst is visible, keep the base rate until a scale-down is seen
                or S seconds pass (default 60)
  With --json: {"mode":"burst","burst","baseRate","sent","acked","stored","lost","duplicated",
                "uncounted","drainSeconds","lagDrainSeconds","scaleSteps":[{"atS","from","to"}],
                "scaleUpDelayS","scaleDown","scaleDownAtS","rssPeakMb","rejected503","timeline":
                [{"t","lag","members","rssMb","rejected503"}],...}: atS and t count from the
                start of the load, drainSeconds and lagDrainSeconds from the burst's start

Model and batching settings come from the environment as for npm start (PULSE_BATCH_MAX,
PULSE_BATCH_WAIT_MS, PULSE_MODEL_THREADS, ...).`;

/** The last stdout line with --json: what a script compares between runs and machines. */
interface PipelineBenchJson {
  offered: number;
  sent: number;
  stored: number;
  sustained: number;
  latencyMs: Percentiles;
  /** The messages sent after the first {@link coldStartSeconds}. */
  warmLatencyMs: Percentiles;
  serverCpuPercent: number;
  rssPeakMb: number;
  rawModelMsgsPerSec?: number;
  ratio?: number;
}

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** The JSON's figures: whole milliseconds. */
const wholeMs = (q: ReturnType<typeof quantiles>): Percentiles => ({ p50: Math.round(q.p50), p90: Math.round(q.p90), p99: Math.round(q.p99) });

const latencyText = (q: ReturnType<typeof quantiles>) =>
  `p50 ${q.p50.toFixed(0)} ms · p90 ${q.p90.toFixed(0)} ms · p99 ${q.p99.toFixed(0)} ms · max ${q.max.toFixed(0)} ms`;

interface SustainedOptions {
  texts: readonly string[];
  rate: number;
  seconds: number;
  batch: number;
  json: boolean;
  raw: ModelBatchResult | undefined;
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new PulseError('INPUT_INVALID', `--${name} must be a positive number, not ${JSON.stringify(text)}`);
  return n;
}

async function runSustained(server: BenchServer, { texts, rate, seconds, batch, json, raw }: SustainedOptions): Promise<void> {
  console.log(`offered ${rate} msgs/s for ${seconds} s in POSTs of ${batch}\n`);
  const posts = new PostVisibility(server.url, `bench-${Date.now()}`);
  const postMs: number[] = [];
  const lagSeries: Array<[number, number | null]> = [];
  const cpuStart = { server: sampleProc(server.pid)!, threads: sampleThreads(server.pid), bench: process.cpuUsage() };
  let peakRss = 0;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let sending = true;
  const refusals = new Refusals();

  // A message's latency runs from its first send: a POST refused and sent again keeps its
  // messages' send time, so the wait counts in their latency.
  const sender = sendPaced({
    url: server.url, rate, batch, seconds, refusals,
    make: (n) => {
      const offset = posts.sent;
      return posts.add(n).map((source, i) => ({ source, text: texts[(offset + i) % texts.length]! }));
    },
    onAccepted: (_, __, ms) => postMs.push(ms),
  }).finally(() => {
    sending = false;
  });

  const poller = (async () => {
    let lastSecond = -1;
    while (sending || posts.visible < posts.sent) {
      if (elapsed() > seconds + 120) break;
      await posts.poll();
      const second = Math.floor(elapsed());
      if (second !== lastSecond) {
        lastSecond = second;
        const sample = await sampleServer(server.url, server.pid);
        lagSeries.push([second, sample.lag]);
        peakRss = Math.max(peakRss, sample.rssMb ?? 0);
      }
      await sleep(100);
    }
  })();

  await sender;
  const sendSeconds = elapsed();
  await poller;
  const drainSeconds = elapsed();
  const cpuEnd = { server: sampleProc(server.pid)!, threads: sampleThreads(server.pid), bench: process.cpuUsage(cpuStart.bench) };

  const bySecond: number[][] = [];
  for (const { sentAt, latencyMs } of posts.seen) (bySecond[Math.floor((sentAt - started) / 1000)] ??= []).push(latencyMs);
  const latencies = quantiles(bySecond.flat());
  const warmSent = bySecond.slice(coldStartSeconds).flat();
  const warmLatencies = quantiles(warmSent);
  const lost = posts.sent - posts.visible;
  const sustained = Math.round(posts.visible / drainSeconds);
  const latencyMs = wholeMs(latencies);
  console.log(`sent        ${posts.sent} messages in ${sendSeconds.toFixed(1)} s = ${Math.round(posts.sent / sendSeconds)} msgs/s offered`);
  console.log(`stored      ${posts.visible} messages, all visible after ${drainSeconds.toFixed(1)} s = ${sustained} msgs/s sustained${lost ? ` (${lost} NOT visible within the time limit)` : ''}`);
  console.log(`latency     ingest → visible in ClickHouse: ${latencyText(latencies)}`);
  console.log(`            sent after the first ${coldStartSeconds} s (warm): ${warmSent.length ? latencyText(warmLatencies) : 'none'}`);
  console.log(`            worst of each second sent (s:ms) ${bySecond.map((l, s) => `${s}:${Math.max(...l).toFixed(0)}`).filter(Boolean).join(' ')}`);
  const postTimes = [...postMs].sort((a, b) => a - b);
  console.log(`POST        /api/ingest of ${batch}: p50 ${percentile(postTimes, 0.5).toFixed(1)} ms · p99 ${percentile(postTimes, 0.99).toFixed(1)} ms${refusals.total ? ` · ${refusals.total} POSTs answered 503/429 and were sent again (waits included)` : ''}`);
  console.log(`lag         (s: raw messages not yet committed) ${lagSeries.map(([s, l]) => `${s}:${l ?? '–'}`).join(' ')}`);
  const stages = Object.entries(await stageMeans(server.url));
  console.log(`stages      per micro-batch, mean: ${stages.map(([stage, m]) => `${stage} ${m ? `${m.meanMs.toFixed(0)} ms` : '–'}`).join(' · ')} (${stages[0]![1]?.batches ?? 0} batches; inference: waiting for a model thread and running; store: waiting for the insert and writing)`);
  const serverCpu = cpuEnd.server.cpuSeconds - cpuStart.server.cpuSeconds;
  const serverCpuPercent = Math.round((serverCpu / drainSeconds) * 100);
  console.log(`server      pid ${server.pid}: CPU ${serverCpuPercent} % of one core (${serverCpu.toFixed(1)} s), RSS peak ${peakRss.toFixed(0)} MB`);
  const byThread = Object.entries(threadCpuBetween(cpuStart.threads, cpuEnd.threads));
  console.log(`            by thread: ${byThread.map(([group, cpu]) => `${group} ${Math.round((cpu / drainSeconds) * 100)} %`).join(' · ')} (of one core; main: ingest, bus, members, live hub; node: libuv's pool running chdb's calls, GC helpers; engine: ClickHouse's query and merge pools)`);
  console.log(`bench       pid ${process.pid}: CPU ${(((cpuEnd.bench.user + cpuEnd.bench.system) / 1e6 / drainSeconds) * 100).toFixed(0)} % of one core, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
  const ratio = raw ? Math.round((sustained / raw.msgsPerSec) * 1000) / 1000 : undefined;
  if (raw) console.log(`max         ${sustained} msgs/s sustained ÷ ${raw.msgsPerSec} msgs/s raw model (batch ${raw.batch}) = ${ratio!.toFixed(3)}`);
  if (json) {
    const report: PipelineBenchJson = {
      offered: rate, sent: posts.sent, stored: posts.visible, sustained, latencyMs, warmLatencyMs: wholeMs(warmLatencies),
      serverCpuPercent, rssPeakMb: Math.round(peakRss),
      ...(raw ? { rawModelMsgsPerSec: raw.msgsPerSec, ratio } : {}),
    };
    console.log(JSON.stringify(report));
  }
  if (lost) process.exitCode = 1;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string' }, max: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, seconds: { type: 'string' }, batch: { type: 'string' },
      kafka: { type: 'boolean', default: false }, 'memory-bus': { type: 'boolean', default: false },
      burst: { type: 'string' }, 'cooldown-wait': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  if (values.max && values.rate !== undefined) throw new PulseError('INPUT_INVALID', '--max and --rate exclude each other');
  const burst = values.burst === undefined ? undefined : Math.round(positive('burst', values.burst));
  if (burst === undefined && values['cooldown-wait'] !== undefined) throw new PulseError('INPUT_INVALID', '--cooldown-wait goes with --burst');
  // A burst run lasts until the burst has drained and capacity came off again: no fixed length, no offered maximum.
  if (burst !== undefined && (values.max || values.seconds !== undefined)) throw new PulseError('INPUT_INVALID', '--burst excludes --max and --seconds');
  const seconds = positive('seconds', values.seconds ?? '20');
  const config = loadConfig();
  const texts = readDataset(config.datasetsDir, 'tweeteval-val').map((r) => r.text);
  // Measured before the server starts, so the model has the cores to itself as in bench:model.
  const raw: ModelBatchResult | undefined = values.max ? await measureRawModel(config.model, texts, rawModelSeconds) : undefined;
  if (raw) console.log(`raw model   ${raw.msgsPerSec} msgs/s at batch ${raw.batch} over ${rawModelSeconds} s (p50 ${raw.p50Ms.toFixed(1)} ms · p99 ${raw.p99Ms.toFixed(1)} ms); offering ${overload}× that`);
  const rate = raw ? Math.round(raw.msgsPerSec * overload) : positive('rate', values.rate ?? '1000');
  const batch = Math.max(1, Math.round(positive('batch', values.batch ?? String(Math.ceil(rate / 20)))));
  const server = await startBenchServer({ kafka: values.kafka, memoryBus: values['memory-bus'], load: Math.max(rate, burst ?? 0) });
  try {
    console.log(`pipeline bench · ${server.busName} · chdb · ${os.availableParallelism()} cores · node ${process.version} · PULSE_BATCH_MAX=${config.classifier.batchMax} PULSE_BATCH_WAIT_MS=${config.classifier.batchWaitMs} PULSE_MODEL_THREADS=${config.model.threads}`);
    if (burst === undefined) return await runSustained(server, { texts, rate, seconds, batch, json: values.json, raw });
    const report = await runBurst({ server, texts, burst, rate, batch, cooldownWaitS: positive('cooldown-wait', values['cooldown-wait'] ?? '60') });
    printBurst(report);
    if (values.json) console.log(JSON.stringify(report));
    if (report.lost || report.duplicated || report.uncounted || report.drainSeconds === null) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

runCli(main);

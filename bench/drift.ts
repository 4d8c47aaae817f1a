/**
 * `npm run bench:drift`: what the drift watch (lib/drift/) costs and how often it would cry wolf,
 * on real texts scored by the shipped model through the serving pool.
 *
 * 1. False alarms: a pool of tweets (datasets tweeteval-val and semeval, each text once) is one
 *    stationary population. Each reading draws a reference of `referenceMessages` (1,000) from
 *    it, as the watch keeps a stream's first messages, and a window of the same population at
 *    several hourly volumes, and compares them with the watch's own functions (`profileOf`,
 *    `compareProfiles`, `decidingPsi`): the deciding PSI's and the label mix's distribution, and
 *    the share of readings over the threshold. An alert needs a whole hold of such readings, so
 *    that share is an upper bound on how often one would open.
 * 2. Sensitivity: windows in which a share of the tweets is replaced by text of a domain the
 *    model was not trained on (SemEval-2014 ABSA laptop and restaurant sentences, SST-2 dev movie
 *    sentences): at which share the watch fires, and through which measure.
 * 3. Cost: an hour at `--rate` msgs/s (the pool's scored tweets again with fresh ids, each in 0–2
 *    of 10 keyword streams) stored in chdb through the messages repository in the classifier's
 *    batches, then `DriftWatch.check()` timed on it (11 streams: the 10 and all messages).
 *
 * Draws are with replacement from the scored pools (the pools are the populations), from a
 * seeded generator, so a run repeats exactly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { absaSentences } from '../harness/absa-sentences.ts';
import { runCli } from '../lib/cli.ts';
import { loadConfig, type DriftConfig } from '../lib/config.ts';
import { AllStreamsId } from '../lib/contracts/api.ts';
import { readDataset } from '../lib/datasets.ts';
import { compareProfiles, decidingPsi, type DriftFigures } from '../lib/drift/profile.ts';
import { servingModel } from '../lib/drift/serving.ts';
import { DriftWatch, profileOf, samplePerStream } from '../lib/drift/watch.ts';
import { PulseError } from '../lib/errors.ts';
import type { ScoredMessage } from '../lib/message.ts';
import { Labels, type Prediction } from '../lib/sentiment.ts';
import { openStore } from '../lib/store/index.ts';
import type { ProfileCounts, SampledMessage } from '../lib/store/model-drift.ts';
import { ModelPool } from '../models/runtime/pool.ts';
import { Tokenizer } from '../models/runtime/tokenizer.ts';
import { percentile, quantiles } from './percentile.ts';

const help = `Usage: npm run bench:drift [-- options]

The drift watch on real texts scored by the shipped model (MODEL_DIR, DATASETS_DIR):
false alarms on stationary tweets, sensitivity to a foreign domain, and the cost of a check.

Options:
  --pool N          at most N tweets scored as the stationary population (default: all of them)
  --sizes LIST      messages per hourly window in the false-alarm part (default 200,1000,5000,20000)
  --windows N       readings per window size, each against a fresh reference (default 1000)
  --shift-size N    messages per window in the sensitivity part (default 1000)
  --shares LIST     percent of foreign text in those windows (default 0,10,25,50,75,100)
  --trials N        readings per domain and share (default 200)
  --rate R          msgs/s of the stored hour in the cost part (default 1000; 0 skips the part)
  --minutes M       minutes stored (default 60, the watch's window)
  --checks N        timed checks after the one that takes the references (default 10)
  --seed N          seed of the draws (default 1)
  --json            print the figures as JSON as well
  -h, --help        show this help`;

/** A scored text: what the watch reads of a message. */
interface Scored {
  text: string;
  prediction: Prediction;
}

/** Mulberry32: a small seeded generator, so every run draws the same windows. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The profile of these messages as the watch builds it from the store: counts per hundredth of
 * confidence (the SQL's `least(floor(confidence × 100), 99)`) and label, and the unknown words of
 * an even sample (the draws are random already, so the first ones are).
 */
function profile(messages: readonly Scored[], tokenizer: Tokenizer) {
  const counts: ProfileCounts = { confidence: new Array<number>(100).fill(0), labels: [0, 0, 0], messages: messages.length };
  for (const m of messages) {
    const bin = Math.min(Math.floor(Math.fround(m.prediction.confidence) * 100), 99);
    counts.confidence[bin]! += 1;
    counts.labels[Labels.indexOf(m.prediction.label)]! += 1;
  }
  const sample: SampledMessage[] = messages.slice(0, samplePerStream).map((m, i) => ({ id: String(i), text: m.text, ...m.prediction }));
  return profileOf(counts, sample, tokenizer).profile;
}

function draw<T>(pool: readonly T[], n: number, random: () => number): T[] {
  return Array.from({ length: n }, () => pool[Math.floor(random() * pool.length)]!);
}

function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A window of `n` messages, `share` of them drawn from `foreign`, in random order. */
function mixed(home: readonly Scored[], foreign: readonly Scored[], n: number, share: number, random: () => number): Scored[] {
  const k = Math.round(n * share);
  return shuffled([...draw(foreign, k, random), ...draw(home, n - k, random)], random);
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const over = (xs: readonly number[], threshold: number) => xs.filter((x) => x > threshold).length / xs.length;
const f3 = (x: number) => x.toFixed(3);
const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)} %`;
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');

async function score(pool: ModelPool, texts: readonly string[]): Promise<Scored[]> {
  const predictions = await pool.classify(texts);
  return texts.map((text, i) => ({ text, prediction: predictions[i]! }));
}

/** Part 1: readings of one population against a reference of the same. */
function falseAlarms(tweets: readonly Scored[], sizes: readonly number[], windows: number, drift: DriftConfig, tokenizer: Tokenizer, random: () => number) {
  const results = [];
  console.log(`1. False alarms: ${n0(windows)} readings per window size, each a fresh reference of ${n0(drift.referenceMessages)} tweets against a window of the same population`);
  console.log('   msgs/h    deciding PSI p50    p90    p99    max   > ' + drift.psi + '    confidence p99  unknown p99   label mix PSI p50    p90    p99    max   > ' + drift.psi);
  for (const size of sizes) {
    const figures: DriftFigures[] = [];
    for (let w = 0; w < windows; w++) {
      const reference = profile(draw(tweets, drift.referenceMessages, random), tokenizer);
      figures.push(compareProfiles(reference, profile(draw(tweets, size, random), tokenizer)));
    }
    const deciding = figures.map(decidingPsi);
    const labels = figures.map((f) => f.psi.labels);
    const [d, l] = [quantiles(deciding), quantiles(labels)];
    const row = {
      size, deciding: d, overThreshold: over(deciding, drift.psi), confidenceP99: quantiles(figures.map((f) => f.psi.confidence)).p99,
      unknownP99: quantiles(figures.map((f) => f.psi.unknownWords)).p99, labels: l, labelsOverThreshold: over(labels, drift.psi),
    };
    results.push(row);
    console.log(
      `   ${n0(size).padStart(6)}    ${[d.p50, d.p90, d.p99, d.max].map((x) => f3(x).padStart(6)).join(' ')}  ${pct(row.overThreshold).padStart(7)}` +
        `    ${f3(row.confidenceP99).padStart(14)}  ${f3(row.unknownP99).padStart(11)}   ${[l.p50, l.p90, l.p99, l.max].map((x) => f3(x).padStart(6)).join(' ')}  ${pct(row.labelsOverThreshold).padStart(7)}`,
    );
  }
  console.log(`   (the share over ${drift.psi} is per reading; an alert needs every reading of a ${drift.holdMs / 60_000}-minute hold over it, ${drift.holdMs / drift.checkMs} checks in a row)\n`);
  return results;
}

/** Part 2: windows with a share of foreign text, against a reference of tweets. */
function sensitivity(tweets: readonly Scored[], domains: ReadonlyArray<{ name: string; texts: readonly Scored[] }>, shares: readonly number[], size: number, trials: number, drift: DriftConfig, tokenizer: Tokenizer, random: () => number) {
  const results = [];
  console.log(`2. Sensitivity: windows of ${n0(size)} messages with a share of foreign text, ${n0(trials)} readings each against a fresh reference of ${n0(drift.referenceMessages)} tweets (medians)`);
  console.log(`   domain (texts)           foreign   deciding PSI   fires   confidence PSI   unknown-word PSI   unknown words (reference)   label mix PSI`);
  for (const domain of domains) {
    for (const share of shares) {
      const figures: DriftFigures[] = [];
      for (let t = 0; t < trials; t++) {
        const reference = profile(draw(tweets, drift.referenceMessages, random), tokenizer);
        figures.push(compareProfiles(reference, profile(mixed(tweets, domain.texts, size, share / 100, random), tokenizer)));
      }
      const median = (pick: (f: DriftFigures) => number) => percentile(sorted(figures.map(pick)), 0.5);
      const deciding = figures.map(decidingPsi);
      const row = {
        domain: domain.name, share, deciding: median(decidingPsi), fires: over(deciding, drift.psi), confidence: median((f) => f.psi.confidence),
        unknownWords: median((f) => f.psi.unknownWords), unknownRate: median((f) => f.unknownRate.current), referenceUnknownRate: median((f) => f.unknownRate.reference),
        labels: median((f) => f.psi.labels),
      };
      results.push(row);
      console.log(
        `   ${`${domain.name} (${n0(domain.texts.length)})`.padEnd(24)} ${`${share} %`.padStart(7)}   ${f3(row.deciding).padStart(12)}  ${pct(row.fires, 0).padStart(6)}` +
          `   ${f3(row.confidence).padStart(14)}   ${f3(row.unknownWords).padStart(16)}   ${`${pct(row.unknownRate)} (${pct(row.referenceUnknownRate)})`.padStart(25)}   ${f3(row.labels).padStart(13)}`,
      );
    }
  }
  console.log(`   (fires: share of readings over ${drift.psi}; unknown words: per word, of the ${samplePerStream} texts sampled)\n`);
  return results;
}

/** Ten keyword streams, the first the busiest (weight 1 / rank, as topics are). */
const keywordStreams = Array.from({ length: 10 }, (_, k) => ({ id: `stream-${k + 1}`, name: `Stream ${k + 1}`, channels: [], weight: 1 / (k + 1) }));
const totalWeight = keywordStreams.reduce((a, s) => a + s.weight, 0);

/** A message's streams: none for 40 %, one for 45 %, two for 15 % (a monitored firehose matches few streams). */
function streamsOf(random: () => number): string[] {
  const u = random();
  const n = u < 0.4 ? 0 : u < 0.85 ? 1 : 2;
  const out = new Set<string>();
  while (out.size < n) {
    let x = random() * totalWeight;
    const s = keywordStreams.find((k) => (x -= k.weight) < 0) ?? keywordStreams.at(-1)!;
    out.add(s.id);
  }
  return [...out];
}

/**
 * The classifier's largest batch, and how many are in flight at once: as several members'
 * batches, merged into one insert by the repository's group commit while the previous one runs.
 */
const batchSize = 1024;
const inFlight = 16;

/** Times of the window's reads, apart from the check. */
const readsTimed = 3;

async function medianMs(read: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let r = 0; r < readsTimed; r++) {
    const t = performance.now();
    await read();
    ms.push(performance.now() - t);
  }
  return percentile(sorted(ms), 0.5);
}

/** Part 3: an hour stored in chdb, then the watch's checks timed on it. */
async function checkCost(tweets: readonly Scored[], rate: number, minutes: number, checks: number, drift: DriftConfig, modelConfig: { dir: string; maxTokens: number }, random: () => number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-drift-'));
  const store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
  try {
    const model = (await servingModel(store.models, modelConfig.dir)).label;
    const total = rate * minutes * 60;
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const start = end - minutes * 60_000;
    console.log(`3. Cost: ${n0(total)} messages (${minutes} min at ${n0(rate)} msgs/s) in chdb (${dataDir}), in batches of ${n0(batchSize)}, ${inFlight} in flight`);
    const loadStart = performance.now();
    let memberships = 0;
    const pending = new Set<Promise<unknown>>();
    for (let first = 0; first < total; first += batchSize) {
      const rows: ScoredMessage[] = [];
      for (let i = first; i < Math.min(total, first + batchSize); i++) {
        const tweet = tweets[i % tweets.length]!;
        const ts = new Date(start + Math.floor((i * 1000) / rate)).toISOString();
        const streams = streamsOf(random);
        memberships += streams.length;
        rows.push({ id: `b${i}`, ts, receivedAt: ts, classifiedAt: ts, source: 'bench', text: tweet.text, ...tweet.prediction, model, streams });
      }
      const p = store.messages.insert(rows).finally(() => pending.delete(p));
      pending.add(p);
      if (pending.size >= inFlight) await Promise.race(pending);
    }
    await Promise.all(pending);
    const loadS = (performance.now() - loadStart) / 1000;
    console.log(`   loaded in ${loadS.toFixed(0)} s (${n0(total / loadS)} msgs/s through the repository and its views); ${(memberships / total).toFixed(2)} keyword streams per message`);

    const watch = new DriftWatch({
      drift: store.drift, alerts: store.alerts, models: store.models, model: modelConfig, config: drift,
      streams: () => [{ id: AllStreamsId, name: 'All messages', channels: [] }, ...keywordStreams.map(({ id, name, channels }) => ({ id, name, channels }))],
      notify: () => undefined, now: () => end,
    });
    const t0 = performance.now();
    await watch.check();
    const firstMs = performance.now() - t0;
    const references = await store.drift.references(model);
    const ms: number[] = [];
    for (let c = 0; c < checks; c++) {
      const t = performance.now();
      await watch.check();
      ms.push(performance.now() - t);
    }
    const q = quantiles(ms);
    // The check's two reads of the window on their own: where its time goes.
    const ids = [AllStreamsId, ...keywordStreams.map((k) => k.id)];
    const [from, to] = [new Date(end - drift.windowMs), new Date(end)];
    const countsMs = await medianMs(() => store.drift.counts(model, ids, from, to));
    const sizes = new Map([...(await store.drift.counts(model, ids, from, to))].map(([id, c]) => [id, c.messages]));
    const sampleMs = await medianMs(() => store.drift.sample(model, sizes, from, to, samplePerStream));
    const readings = await store.drift.latest(model);
    const states = [...new Set(readings.map((r) => r.state))].join(', ');
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    console.log(`   first check (takes ${references.size} references): ${n0(firstMs)} ms`);
    console.log(`   ${checks} checks of ${readings.length} streams: p50 ${n0(q.p50)} ms  p90 ${n0(q.p90)} ms  p99 ${n0(q.p99)} ms  max ${n0(q.max)} ms (readings: ${states})`);
    console.log(`   of which (median of ${readsTimed}): the counts query ${n0(countsMs)} ms, the sample query (${samplePerStream} texts a stream) ${n0(sampleMs)} ms`);
    console.log(`   process RSS (Node + chdb + the model pool): ${n0(rssMb)} MiB\n`);
    return { messages: total, rate, minutes, loadSeconds: loadS, streamsPerMessage: memberships / total, firstCheckMs: firstMs, references: references.size, checkMs: q, countsMs, sampleMs, rssMb };
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pool: { type: 'string' }, sizes: { type: 'string', default: '200,1000,5000,20000' }, windows: { type: 'string', default: '1000' },
      'shift-size': { type: 'string', default: '1000' }, shares: { type: 'string', default: '0,10,25,50,75,100' }, trials: { type: 'string', default: '200' },
      rate: { type: 'string', default: '1000' }, minutes: { type: 'string', default: '60' }, checks: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  const int = (name: string, v: string, min = 1) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new PulseError('INPUT_INVALID', `--${name} must be an integer ≥ ${min}, got ${v}`);
    return x;
  };
  const list = (name: string, v: string, min: number) => v.split(',').map((x) => int(name, x.trim(), min));
  const poolSize = values.pool === undefined ? Infinity : int('pool', values.pool, 100);
  const sizes = list('sizes', values.sizes, 1);
  const windows = int('windows', values.windows);
  const shiftSize = int('shift-size', values['shift-size']);
  const shares = list('shares', values.shares, 0);
  if (shares.some((s) => s > 100)) throw new PulseError('INPUT_INVALID', `--shares are percents, got ${values.shares}`);
  const trials = int('trials', values.trials);
  const rate = int('rate', values.rate, 0);
  const minutes = int('minutes', values.minutes);
  const checks = int('checks', values.checks);
  const seed = int('seed', values.seed, 0);

  const config = loadConfig();
  const drift = config.drift;
  const args = process.argv.slice(2).filter((a) => a !== '--json').join(' ');
  console.log(`Reproduce: npm run bench:drift${args ? ` -- ${args}` : ''}`);
  console.log(`${os.availableParallelism()} cores · ${os.cpus()[0]?.model ?? ''} · node ${process.version}`);
  console.log(`watch settings: PSI threshold ${drift.psi}, reference ${n0(drift.referenceMessages)} messages, window ${drift.windowMs / 60_000} min, check every ${drift.checkMs / 60_000} min, hold ${drift.holdMs / 60_000} min, ${samplePerStream} texts sampled for unknown words`);

  // The stationary population: tweets the model was evaluated on or trained from, one text once.
  const random = seeded(seed);
  const unique = [...new Set([...readDataset(config.datasetsDir, 'tweeteval-val'), ...readDataset(config.datasetsDir, 'semeval')].map((r) => r.text))];
  const tweetTexts = shuffled(unique, random).slice(0, poolSize);
  const foreignTexts = [
    { name: 'ABSA laptops', texts: absaSentences(config.datasetsDir, 'laptop').map((s) => s.text) },
    { name: 'ABSA restaurants', texts: absaSentences(config.datasetsDir, 'restaurant').map((s) => s.text) },
    { name: 'SST-2 dev movies', texts: readDataset(config.datasetsDir, 'sst2-dev').map((r) => r.text) },
  ];
  const pool = await ModelPool.start(config.model);
  let tweets: Scored[];
  let domains: Array<{ name: string; texts: Scored[] }>;
  const scoring = performance.now();
  try {
    console.log(`model ${pool.info.model} · ${pool.info.provider} · ${pool.size} inference threads`);
    tweets = await score(pool, tweetTexts);
    domains = [];
    for (const d of foreignTexts) domains.push({ name: d.name, texts: await score(pool, d.texts) });
  } finally {
    await pool.close();
  }
  const scored = tweets.length + domains.reduce((a, d) => a + d.texts.length, 0);
  console.log(`scored ${n0(scored)} texts in ${((performance.now() - scoring) / 1000).toFixed(0)} s: ${n0(tweets.length)} tweets (datasets tweeteval-val + semeval, each text once), ${domains.map((d) => `${n0(d.texts.length)} ${d.name}`).join(', ')}\n`);

  const tokenizer = await Tokenizer.load(config.model.dir, config.model.maxTokens);
  const figures: Record<string, unknown> = { cores: os.availableParallelism(), threshold: drift.psi, pool: tweets.length };
  figures.falseAlarms = falseAlarms(tweets, sizes, windows, drift, tokenizer, random);
  figures.sensitivity = sensitivity(tweets, domains, shares, shiftSize, trials, drift, tokenizer, random);
  if (rate > 0) figures.cost = await checkCost(tweets, rate, minutes, checks, drift, config.model, random);
  if (values.json) console.log(JSON.stringify(figures));
}

runCli(main);

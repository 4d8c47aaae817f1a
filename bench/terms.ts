/**
 * `npm run bench:terms`: the term aggregate's cost where it is paid, on the embedded store (chdb).
 *
 * 1. Write path: the messages repository's insert (id check + one insert, batches of 1,024 as
 *    the classifier's largest) of 20,000 scored tweets, with the term view and without it (the
 *    view dropped), alternating, in one run.
 * 2. A day of data: `--hours` × 3,600 × `--rate` messages (default 24 h at 1,000 msgs/s =
 *    86.4 M) of real tweet texts from the datasets, cycled, with their human labels and sources,
 *    and the streams of three keyword streams matched by the real matcher, inserted into
 *    `messages` through both views (sentiment_1s_mv, the term view and its buffer). Built inside
 *    the engine with `INSERT … SELECT` an hour at a time (JSON through Node would take hours on
 *    its own): the views aggregate each block of ~1 M rows the way they aggregate a classifier's
 *    batch, so the aggregates hold what merges would leave of a day of small inserts. The hour's
 *    messages are then truncated (the terms query reads only the aggregates), keeping the disk
 *    small; `--keep-messages` keeps them.
 * 3. `/api/terms`'s query through the repository (top 20 of each kind with the previous
 *    period's counts) over the last 24 h, 1 h and 5 min, all streams and one stream: p50/p90/p99.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { readDataset, type DatasetName } from '../lib/datasets.ts';
import { PulseError } from '../lib/errors.ts';
import type { ScoredMessage } from '../lib/message.ts';
import type { Label } from '../lib/sentiment.ts';
import { ChdbClient } from '../lib/store/chdb.ts';
import { openStore, type Store } from '../lib/store/index.ts';
import { TermCountsBuffer, TermCountsView, termRows } from '../lib/store/term-tokens.ts';
import { StreamCompiler } from '../lib/streams/matcher.ts';
import { percentile } from './percentile.ts';

const help = `Usage: npm run bench:terms [-- --hours 24 --rate 1000 --runs 20 --write 20000 --batch 1024 --keep-messages --data-dir DIR --json]

Measures the term aggregate (GET /api/terms) on chdb:
  --write N        messages of the write-path comparison, with and without the term view (default 20000; 0 skips it)
  --batch N        messages per insert in that comparison (default 1024, the classifier's largest batch)
  --hours H        hours of data loaded, ending now (default 24; 0 skips the load and the queries)
  --rate R         messages per second of that data (default 1000)
  --runs N         timed queries per window and stream (default 20)
  --keep-messages  keep the loaded messages (default: truncated after each hour; the query does not read them)
  --data-dir DIR   the chdb data directory (default: a new temporary one, removed at the end)
  --json           print the figures as JSON as well
Texts: semeval, airline-train, tweeteval-val and extra from DATASETS_DIR (default ../shared/datasets).`;

const datasets: DatasetName[] = ['semeval', 'airline-train', 'tweeteval-val', 'extra'];

/** Three keyword streams of the kinds people define; one of them is the "one stream" of the queries. */
const streams = [
  { id: 'airlines', version: 1, query: 'flight OR airline OR @united OR @americanair OR @usairways OR @southwestair OR @jetblue OR @virginamerica' },
  { id: 'apple', version: 1, query: 'apple OR iphone OR ipad OR #apple OR @apple' },
  { id: 'politics', version: 1, query: 'trump OR obama OR hillary OR clinton OR #gopdebate OR debate' },
];
const oneStream = 'airlines';

const windows = [
  { name: '24 h', ms: 86_400_000 },
  { name: '1 h', ms: 3_600_000 },
  { name: '5 min', ms: 300_000 },
];

interface Text {
  text: string;
  label: Label;
  source: string;
  streams: string[];
}

function loadTexts(dir: string): Text[] {
  const { matcher } = new StreamCompiler().update(streams);
  const now = new Date().toISOString();
  return datasets.flatMap((name) => readDataset(dir, name)).map((r, i) => ({
    text: r.text,
    label: r.label,
    source: r.source,
    streams: matcher.match({ id: String(i), ts: now, receivedAt: now, source: r.source, text: r.text }),
  }));
}

const probsOf: Record<Label, ScoredMessage['probs']> = {
  negative: { negative: 0.8, neutral: 0.1, positive: 0.1 },
  neutral: { negative: 0.1, neutral: 0.8, positive: 0.1 },
  positive: { negative: 0.1, neutral: 0.1, positive: 0.8 },
};

function scored(t: Text, id: string, atMs: number): ScoredMessage {
  const at = new Date(atMs).toISOString();
  const probs = probsOf[t.label];
  return {
    id, ts: at, receivedAt: at, classifiedAt: at, source: t.source, text: t.text, label: t.label, confidence: 0.8, probs,
    score: probs.positive - probs.negative, model: 'bench', streams: t.streams,
  };
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);

/** Wall and CPU time of one round of inserts; chdb runs in this process, so its CPU is counted too. */
interface Round {
  wallMs: number;
  cpuMs: number;
}

/** Inserts of `n` messages through the repository in batches, alternately with and without the term view. */
async function writeCost(store: Store, sql: ChdbClient, texts: Text[], n: number, batch: number): Promise<{ with: Round[]; without: Round[] }> {
  const rounds = { with: [] as Round[], without: [] as Round[] };
  let next = 0;
  const insert = async (): Promise<Round> => {
    const start = Date.now() - 3_600_000;
    const messages = Array.from({ length: n }, (_, i) => scored(texts[(next + i) % texts.length]!, `w${next + i}`, start + ((next + i) % 3_600_000)));
    next += n;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += batch) await store.messages.insert(messages.slice(i, i + batch));
    const cpu = process.cpuUsage(cpu0);
    return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  await insert(); // warm-up: the engine's first inserts pay for caches and parts
  for (let round = 0; round < 3; round++) {
    rounds.with.push(await insert());
    await sql.command(`DROP VIEW ${TermCountsView}`);
    rounds.without.push(await insert());
    await sql.command(`CREATE MATERIALIZED VIEW ${TermCountsView} TO ${TermCountsBuffer} AS ${termRows({ kind: 'view' })}`);
  }
  return rounds;
}

async function count(sql: ChdbClient, query: string): Promise<number> {
  return (await sql.query<{ n: number }>(query))[0]?.n ?? 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hours: { type: 'string', default: '24' },
      rate: { type: 'string', default: '1000' },
      runs: { type: 'string', default: '20' },
      write: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '1024' },
      'keep-messages': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  const positive = (name: string, v: string, min = 1) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new PulseError('INPUT_INVALID', `--${name} must be an integer ≥ ${min}, got ${v}`);
    return x;
  };
  const hours = positive('hours', values.hours, 0);
  const rate = positive('rate', values.rate);
  const runs = positive('runs', values.runs);
  const writeN = positive('write', values.write, 0);
  const batch = positive('batch', values.batch);
  const config = loadConfig();
  const texts = loadTexts(config.datasetsDir);
  const ownDir = !values['data-dir'];
  const dataDir = values['data-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-terms-'));

  console.log(`${texts.length.toLocaleString('en-US')} texts (${datasets.join(', ')}); ${texts.filter((t) => t.streams.length).length.toLocaleString('en-US')} match one of ${streams.length} streams`);
  console.log(`${os.availableParallelism()} cores · ${os.cpus()[0]?.model ?? ''} · node ${process.version} · chdb in ${dataDir}\n`);

  const store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
  const sql = ChdbClient.open(dataDir);
  const figures: Record<string, unknown> = { hours, rate, runs, texts: texts.length };
  try {
    if (writeN > 0) {
      const rounds = await writeCost(store, sql, texts, writeN, batch);
      console.log(`write path, ${writeN.toLocaleString('en-US')} messages in batches of ${batch.toLocaleString('en-US')} (3 rounds each, alternating):`);
      const write: Record<string, unknown> = { messages: writeN, batch, rounds };
      for (const measure of ['wallMs', 'cpuMs'] as const) {
        const [w, wo] = [median(rounds.with.map((r) => r[measure])), median(rounds.without.map((r) => r[measure]))];
        const perMessageUs = ((w - wo) * 1000) / writeN;
        console.log(
          `  ${measure === 'wallMs' ? 'wall' : 'CPU '} with the term view ${rounds.with.map((r) => r[measure].toFixed(0)).join(' / ')} ms, without ${rounds.without.map((r) => r[measure].toFixed(0)).join(' / ')} ms:` +
            ` median ×${(w / wo).toFixed(2)}, +${perMessageUs.toFixed(0)} µs per message`,
        );
        write[measure === 'wallMs' ? 'wallRatio' : 'cpuRatio'] = w / wo;
      }
      console.log('');
      figures.write = write;
      await store.terms.flush();
      for (const table of ['messages', 'sentiment_1s', 'term_counts']) await sql.command(`TRUNCATE TABLE ${table}`);
    }

    if (hours === 0) {
      if (values.json) console.log(JSON.stringify(figures));
      return;
    }
    // The texts as a table the engine joins each generated message with (by number modulo).
    await sql.command(`CREATE OR REPLACE TABLE bench_texts (i UInt32, text String, label String, source String, streams Array(String)) ENGINE = Memory`);
    for (let i = 0; i < texts.length; i += 10_000) {
      await sql.insert('bench_texts', texts.slice(i, i + 10_000).map((t, j) => ({ i: i + j, ...t })));
    }
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const start = end - hours * 3_600_000;
    const perHour = 3600 * rate;
    const loadStart = performance.now();
    for (let h = 0; h < hours; h++) {
      const t0 = performance.now();
      await sql.command(
        `INSERT INTO messages (id, ts, received_at, classified_at, source, text, label, confidence, p_negative, p_neutral, p_positive, score, model, streams)
         SELECT concat('b', toString(number)) AS id,
           fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(number * 1000, {rate:UInt32})), 'UTC') AS at, at, at,
           t.source, t.text, t.label, 0.8,
           if(t.label = 'negative', 0.8, 0.1), if(t.label = 'neutral', 0.8, 0.1), if(t.label = 'positive', 0.8, 0.1),
           if(t.label = 'positive', 0.7, if(t.label = 'negative', -0.7, 0)), 'bench', t.streams
         FROM numbers({first:UInt64}, {n:UInt64}) AS g
         INNER JOIN bench_texts AS t ON t.i = g.number % {texts:UInt32}`,
        { start, rate, first: h * perHour, n: perHour, texts: texts.length },
      );
      if (!values['keep-messages']) await sql.command('TRUNCATE TABLE messages');
      const s = (performance.now() - t0) / 1000;
      console.log(`  hour ${h + 1}/${hours}: ${perHour.toLocaleString('en-US')} messages in ${s.toFixed(1)} s (${Math.round(perHour / s).toLocaleString('en-US')} msgs/s)`);
    }
    await store.terms.flush();
    const loadS = (performance.now() - loadStart) / 1000;
    const total = hours * perHour;
    const [minuteRows, hourRows, stored] = [
      await count(sql, "SELECT count() AS n FROM term_counts WHERE grain = 'minute'"),
      await count(sql, "SELECT count() AS n FROM term_counts WHERE grain = 'hour'"),
      await count(sql, "SELECT sum(count) AS n FROM sentiment_1s WHERE stream = '*'"),
    ];
    console.log(`loaded ${total.toLocaleString('en-US')} messages (${hours} h at ${rate.toLocaleString('en-US')} msgs/s) in ${loadS.toFixed(0)} s (${Math.round(total / loadS).toLocaleString('en-US')} msgs/s through both views)`);
    console.log(`  sentiment_1s counts ${stored.toLocaleString('en-US')}; term_counts holds ${minuteRows.toLocaleString('en-US')} minute rows and ${hourRows.toLocaleString('en-US')} hour rows (rows of parts not merged yet count apart)\n`);
    figures.load = { messages: total, seconds: loadS, counted: stored, minuteRows, hourRows };

    const queries: Array<Record<string, unknown>> = [];
    console.log(`GET /api/terms's query (top 20 of each kind + previous period), ${runs} runs each:`);
    for (const w of windows) {
      for (const stream of [undefined, oneStream]) {
        const q = { from: new Date(end - w.ms), to: new Date(end), limit: 20, ...(stream ? { stream } : {}) };
        const first = await store.terms.top(q);
        const ms: number[] = [];
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          await store.terms.top(q);
          ms.push(performance.now() - t0);
        }
        ms.sort((a, b) => a - b);
        const [p50, p90, p99] = [0.5, 0.9, 0.99].map((p) => percentile(ms, p));
        const top3 = first.terms.filter((t) => t.kind === 'term').slice(0, 3).map((t) => `${t.term} ${t.count.toLocaleString('en-US')}`).join(', ');
        console.log(
          `  ${w.name.padEnd(5)} ${(stream ?? 'all streams').padEnd(11)} p50 ${p50!.toFixed(1).padStart(7)} ms  p90 ${p90!.toFixed(1).padStart(7)} ms  p99 ${p99!.toFixed(1).padStart(7)} ms` +
            `  (${first.messages.toLocaleString('en-US')} messages; top: ${top3})`,
        );
        queries.push({ window: w.name, stream: stream ?? '*', p50, p90, p99, messages: first.messages });
      }
    }
    figures.queries = queries;
    if (values.json) console.log(JSON.stringify(figures));
  } finally {
    await sql.close();
    await store.close();
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  }
}

runCli(main);

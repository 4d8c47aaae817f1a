/**
 * `npm run bench:detector-loop`: what one detector tick costs when it reads its streams from
 * embedded ClickHouse (chdb), as the deployed detector does: the start-up backfill and then
 * steady ticks, for N streams at R msgs/s each. `sentiment_1s` is filled directly with
 * synthetic seconds (harness/anomaly/synthetic.ts) for the last 11 minutes, then one new second
 * per stream is written before each tick, as the classifiers' materialized view would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DetectorLoop } from '../lib/detect/loop.ts';
import { Rng } from '../harness/anomaly/rng.ts';
import { baseMix, syntheticSecond } from '../harness/anomaly/synthetic.ts';
import { runCli } from '../lib/cli.ts';
import { PulseError } from '../lib/errors.ts';
import { ChdbClient } from '../lib/store/chdb.ts';
import { storeOnClient } from '../lib/store/index.ts';
import { sqlDateTime } from '../lib/store/sql.ts';
import { percentile } from './percentile.ts';

const help = `Usage: npm run bench:detector-loop [-- --streams N --rate R --ticks N]

Detector ticks against chdb: backfill time at start (the last 10.5 minutes of every stream) and
p50/p90/p99 of steady ticks, each reading one new second of every stream.

Options:
  --streams N  keyword streams watched (default 100)
  --rate R     messages per second per stream (default 20)
  --ticks N    steady ticks measured (default 60)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { help: { type: 'boolean', default: false }, streams: { type: 'string', default: '100' }, rate: { type: 'string', default: '20' }, ticks: { type: 'string', default: '60' } },
  });
  if (values.help) return void console.log(help);
  const [streams, rate, ticks] = [Number(values.streams), Number(values.rate), Number(values.ticks)];
  if (![streams, rate, ticks].every((n) => Number.isFinite(n) && n > 0)) throw new PulseError('INPUT_INVALID', '--streams, --rate and --ticks must be positive numbers');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-detector-'));
  const client = ChdbClient.open(dir);
  const store = await storeOnClient(client, 30);
  const rng = new Rng(1);
  const ids = Array.from({ length: streams }, (_, i) => `stream-${i}`);
  const rows = (second: number) =>
    ids.map((stream) => {
      const s = syntheticSecond(rng, rate, baseMix);
      return { second: sqlDateTime(new Date(second * 1000)), stream, source: 'bench', count: s.count, negative: 0, neutral: 0, positive: s.count, score_sum: s.scoreSum };
    });
  // A clock of its own: history up to "now", then one second per tick, without waiting for real time.
  let now = Math.floor(Date.now() / 1000) * 1000;
  const history = [];
  for (let t = now / 1000 - 660; t < now / 1000; t++) history.push(...rows(t));
  for (let i = 0; i < history.length; i += 100_000) await client.insert('sentiment_1s', history.slice(i, i + 100_000));

  const watched = ids.map((id) => ({ id, name: id, rule: { sensitivity: 'medium' as const }, channels: [] }));
  let alerts = 0;
  const loop = new DetectorLoop({ signals: store.signals, alerts: store.alerts, settleMs: 0, now: () => now, streams: () => watched, notify: () => void alerts++ });
  let started = performance.now();
  await loop.tick();
  const backfillMs = performance.now() - started;
  const durations: number[] = [];
  for (let i = 0; i < ticks; i++) {
    await client.insert('sentiment_1s', rows(now / 1000));
    now += 1000;
    started = performance.now();
    await loop.tick();
    durations.push(performance.now() - started);
  }
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  durations.sort((a, b) => a - b);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`detector loop on chdb: ${streams} streams × ${rate} msgs/s, ${os.cpus().length} cores`);
  console.log(`  backfill at start (${history.length.toLocaleString('en')} stream-seconds): ${ms(backfillMs)}`);
  console.log(`  steady tick: p50 ${ms(percentile(durations, 0.5))}  p90 ${ms(percentile(durations, 0.9))}  p99 ${ms(percentile(durations, 0.99))}  (budget: the 1,000 ms tick)`);
  console.log(`  alerts raised on the stationary streams: ${alerts}`);
}

runCli(main);

/**
 * `npm run bench:crash`: kills a real Pulse server process at random moments under load and
 * counts, after each restart, what became of every acknowledged message (issue 12's target:
 * 0 lost, 0 duplicated, on both buses, for SIGKILL and SIGTERM). The rounds themselves are
 * the harness's (harness/crash/); this file chooses them, prints them and adds them up.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Rng } from '../harness/anomaly/rng.ts';
import { CrashRun, type CrashBus, type CrashOutcome, type CrashSignal } from '../harness/crash/run.ts';
import { startKafkaMock } from '../harness/kafka-mock.ts';
import { runCli } from '../lib/cli.ts';
import { PulseError } from '../lib/errors.ts';

const help = `Usage: npm run bench:crash -- [--rounds N] [--bus memory|kafka|both] [--signal kill|term|both]
                               [--rate N] [--seconds N] [--seed N] [--json]

Starts a Pulse server process (npm start's entry point, no demo, no dashboard) on a fresh data
dir, then repeats rounds: ingest at --rate msgs/s, half as JSON-array POSTs to /api/ingest and
half as frames on /ws/ingest, every message with a unique id; send the signal at a random
moment of the first --seconds of load (the load goes on until the process has exited);
restart the server on the same data dir (and, on Kafka, the same broker); wait until
/api/health says lag 0; read every stored id of the round's source from /api/messages and the
count from /api/stats; send what was refused or cut again with the same ids; read again.
The restarted server is the next round's.

Per round it prints: acked (202 / ack frame, in the end), stored (distinct ids), lost (acked,
not stored), duplicated (ids listed twice + stats count above the distinct ids), and what was
unacked when the process died (refused, cut, and of those stored anyway). Then totals per bus
and signal. It exits 1 when anything acknowledged was lost, duplicated or left out of
/api/stats, or a SIGTERM did not end in exit code 0.

  --rounds N     rounds per bus (default 20)
  --bus B        memory (in-process bus + chdb), kafka (librdkafka's mock cluster via kcat,
                 PULSE_EMBEDDED_CLASSIFIERS=1), or both (default memory)
  --signal S     kill (SIGKILL), term (SIGTERM), or both, alternating (default both)
  --rate N       messages per second offered (default 5000)
  --seconds N    the kill falls uniformly in [10 %, 90 %] of this much load (default 4)
  --seed N       seed of the kill moments (default: random, printed): the same seed gives the
                 same moments (what the process had done by then varies with the machine)
  --json         print one JSON object instead of the table
  -h, --help     show this help

Model and batching settings come from the environment as for npm start (PULSE_BATCH_MAX, ...).
Reproduce the README's figures: npm run bench:crash -- --rounds 20 --bus both --signal both`;

interface Totals {
  bus: CrashBus;
  signal: CrashSignal;
  rounds: number;
  sent: number;
  acked: number;
  stored: number;
  lost: number;
  duplicated: number;
  unackedButStored: number;
  uncounted: number;
  /** SIGTERM rounds whose process did not exit with code 0 by itself. */
  badExits: number;
}

const signals = { kill: ['SIGKILL'], term: ['SIGTERM'], both: ['SIGKILL', 'SIGTERM'] } as const;
const buses = { memory: ['memory'], kafka: ['kafka'], both: ['memory', 'kafka'] } as const;

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new PulseError('INPUT_INVALID', `--${name} must be a positive number, not ${JSON.stringify(text)}`);
  return n;
}

function choice<T extends Record<string, unknown>>(name: string, options: T, text: string): keyof T {
  if (!Object.hasOwn(options, text)) throw new PulseError('INPUT_INVALID', `--${name} must be one of ${Object.keys(options).join(', ')}, not ${JSON.stringify(text)}`);
  return text as keyof T;
}

function badExit(o: CrashOutcome): boolean {
  return o.signal === 'SIGTERM' && (o.exit.code !== 0 || o.exit.forced);
}

function totalsOf(outcomes: readonly CrashOutcome[]): Totals[] {
  const groups = new Map<string, Totals>();
  for (const o of outcomes) {
    const key = `${o.bus} ${o.signal}`;
    const t = groups.get(key) ?? { bus: o.bus, signal: o.signal, rounds: 0, sent: 0, acked: 0, stored: 0, lost: 0, duplicated: 0, unackedButStored: 0, uncounted: 0, badExits: 0 };
    groups.set(key, {
      ...t, rounds: t.rounds + 1, sent: t.sent + o.sent, acked: t.acked + o.acked, stored: t.stored + o.stored, lost: t.lost + o.lost,
      duplicated: t.duplicated + o.duplicated, unackedButStored: t.unackedButStored + o.unackedButStored, uncounted: t.uncounted + o.uncounted,
      badExits: t.badExits + (badExit(o) ? 1 : 0),
    });
  }
  return [...groups.values()];
}

const columns = 'round bus    signal  kill@ms exit           sent  acked stored  lost  dup  refused  cut unacked-stored restart s';

function row(i: number, o: CrashOutcome): string {
  const exit = `${o.exit.signal ?? `code ${o.exit.code}`}${o.exit.forced ? ' forced' : ''} ${(o.exit.afterMs / 1000).toFixed(1)}s`;
  const cells = [
    String(i + 1).padStart(5), o.bus.padEnd(6), o.signal.padEnd(7), String(o.killAfterMs).padStart(7), exit.padEnd(13),
    ...[o.sent, o.acked, o.stored].map((n) => String(n).padStart(6)), String(o.lost).padStart(5), String(o.duplicated).padStart(4),
    String(o.refused).padStart(8), String(o.cut).padStart(4), String(o.unackedButStored).padStart(14), o.restartSeconds.toFixed(1).padStart(9),
  ];
  const notes = [
    o.lost ? `lost e.g. ${o.lostIds[0]}` : '',
    o.uncounted ? `${o.uncounted} stored but not counted by /api/stats` : '',
    o.unacked ? `${o.unacked} never acked` : '',
    o.rejected ? `${o.rejected} rejected as invalid` : '',
    Object.keys(o.refusals).length ? `refusals ${JSON.stringify(o.refusals)}` : '',
  ].filter(Boolean);
  return [cells.join(' '), ...notes].join('   ');
}

function printTotals(totals: readonly Totals[]): void {
  console.log('\ntotals');
  for (const t of totals) {
    console.log(`  ${t.bus.padEnd(6)} ${t.signal.padEnd(7)} ${t.rounds} rounds: sent ${t.sent}, acked ${t.acked}, stored ${t.stored}, lost ${t.lost}, duplicated ${t.duplicated}, uncounted by /api/stats ${t.uncounted}, unacked but stored ${t.unackedButStored}${t.signal === 'SIGTERM' ? `, exits other than 0: ${t.badExits}` : ''}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '20' }, bus: { type: 'string', default: 'memory' }, signal: { type: 'string', default: 'both' },
      rate: { type: 'string', default: '5000' }, seconds: { type: 'string', default: '4' }, seed: { type: 'string' },
      json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  const rounds = Math.round(positive('rounds', values.rounds));
  const rate = positive('rate', values.rate);
  const loadMs = positive('seconds', values.seconds) * 1000;
  const busList = buses[choice('bus', buses, values.bus)];
  const signalList = signals[choice('signal', signals, values.signal)];
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Math.round(positive('seed', values.seed));
  const rng = new Rng(seed);
  const say = (line: string) => {
    if (!values.json) console.log(line);
  };

  say(`crash bench · ${rounds} rounds per bus (${busList.join(', ')}) · ${signalList.join(' / ')} · ${rate} msgs/s offered, kill within ${loadMs / 1000} s · seed ${seed} · ${os.availableParallelism()} cores · node ${process.version}\n`);
  say(columns);
  const outcomes: CrashOutcome[] = [];
  try {
    for (const bus of busList) {
      const kafka = bus === 'kafka' ? await startKafkaMock() : undefined;
      const run = await CrashRun.start(kafka ? { kafkaBrokers: kafka.brokers } : {});
      try {
        for (let i = 0; i < rounds; i++) {
          const killAfterMs = Math.round(loadMs * (0.1 + 0.8 * rng.next()));
          const signal = signalList[i % signalList.length]!;
          const outcome = await run.round({ signal, rate, killAfterMs, source: `crash-${bus}-${seed}-${i}-${Date.now()}` });
          outcomes.push(outcome);
          say(row(i, outcome));
        }
      } finally {
        await run.stop();
        await kafka?.stop();
      }
    }
  } finally {
    const totals = totalsOf(outcomes);
    if (values.json) console.log(JSON.stringify({ seed, rate, loadMs, rounds: outcomes, totals }, null, 2));
    else printTotals(totals);
    if (totals.some((t) => t.lost || t.duplicated || t.uncounted || t.badExits)) process.exitCode = 1;
  }
}

runCli(main);

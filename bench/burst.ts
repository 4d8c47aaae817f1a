/**
 * `bench:pipeline --burst N`: a base rate from start to end and, after a warm-up, N messages
 * as fast as ingest accepts them (issue 13's hard case: 50,000). Once a second it samples the
 * classifier lag and members from `/metrics` and the server's RSS; it prints that timeline,
 * every scale step, how long the burst took to drain, whether capacity was removed again
 * after it, and the account of every acknowledged id (lost, counted twice).
 *
 * Base and burst messages carry ids (`<source>-<n>`) and event times fixed when made, each
 * in a source of its own, so a resend is the same message, the burst's drain is counted apart
 * from the base load, and the end check is exact: every id ingest acknowledged is looked up
 * through `/api/messages`, and `/api/stats` must count each exactly once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { accountFor } from '../harness/crash/account.ts';
import { readStored, waitDrained } from '../harness/crash/read.ts';
import type { BenchServer } from './bench-server.ts';
import { lagBelowAt, scaleDownAt, scaleSteps, scaleUpDelay, type ScaleStep, type TimelineRow } from './burst-timeline.ts';
import { sendPaced } from './paced-sender.ts';
import { countVisible, postUntilAccepted, Refusals, type BenchMessage } from './pulse-api.ts';
import { sampleServer } from './server-sampler.ts';

/** Base load alone before the burst: the server settles and the timeline shows its quiet level. */
const warmUpSeconds = 5;
/** The burst's POSTs: large and several at once, so ingest, not the client, sets the pace. */
const burstPostSize = 500;
const burstInFlight = 4;
/** How long the burst may take to become visible, and the backlog to drain once the base load stops. */
const drainLimitSeconds = 300;
const visiblePollMs = 200;

/** The classify stage's scale threshold, read as the server reads it (the bench passes its environment on). */
const scaleLag = z.coerce.number().int().positive().default(1000).parse(process.env.PULSE_SCALE_LAG);

export interface BurstOptions {
  server: BenchServer;
  texts: readonly string[];
  burst: number;
  rate: number;
  /** Messages per POST of the base load. */
  batch: number;
  cooldownWaitS: number;
}

/** The last stdout line with --json. Times: `atS`, `t` since the load started; the others since the burst started. */
export interface BurstReport {
  mode: 'burst';
  burst: number;
  baseRate: number;
  sent: number;
  acked: number;
  stored: number;
  lost: number;
  duplicated: number;
  uncounted: number;
  burstStartS: number;
  /** When the base load stopped: the lag seen after it no longer says how the pipeline kept up with it. */
  baseStopS: number;
  burstAcceptSeconds: number;
  drainSeconds: number | null;
  lagDrainSeconds: number | null;
  scaleThreshold: number;
  scaleSteps: ScaleStep[];
  scaleUpDelayS: number | null;
  scaleDown: boolean;
  scaleDownAtS: number | null;
  /** `pulse_classifier_scale_events_total` at the end; null: not exported. */
  scaleEvents: { up: number; down: number } | null;
  rssPeakMb: number;
  rejected503: number;
  rejected429: number;
  timeline: Array<Pick<TimelineRow, 't' | 'lag' | 'members' | 'rssMb' | 'rejected503'>>;
}

/** Messages of one source, ids `<source>-<n>`, texts cycled from the dataset. */
class MessageMaker {
  private made = 0;

  constructor(
    readonly source: string,
    private readonly texts: readonly string[],
  ) {}

  get count(): number {
    return this.made;
  }

  next(n: number): BenchMessage[] {
    const ts = Date.now();
    return Array.from({ length: n }, () => {
      const k = this.made++;
      return { id: `${this.source}-${k}`, ts, source: this.source, text: this.texts[k % this.texts.length]! };
    });
  }
}

const dash = (n: number | null) => (n === null ? '–' : String(Math.round(n)));
const timelineHeader = `${'t s'.padStart(5)} ${'lag'.padStart(8)} ${'members'.padStart(8)} ${'RSS MB'.padStart(7)} ${'503s'.padStart(6)}`;
const timelineLine = (r: TimelineRow) => `${String(r.t).padStart(5)} ${dash(r.lag).padStart(8)} ${dash(r.members).padStart(8)} ${dash(r.rssMb).padStart(7)} ${String(r.rejected503).padStart(6)}`;

/** One row per whole second since `started` until `stop`; a sample that takes longer than a second skips the seconds it missed. */
async function sampleEverySecond(server: BenchServer, refusals: Refusals, started: number, rows: TimelineRow[], stop: AbortSignal): Promise<void> {
  for (let t = 0; !stop.aborted; ) {
    const sample = await sampleServer(server.url, server.pid);
    const row = { t, ...sample, rejected503: refusals.of(503) };
    rows.push(row);
    console.log(timelineLine(row));
    t = Math.floor((performance.now() - started) / 1000) + 1;
    await sleep(Math.max(0, started + t * 1000 - performance.now()));
  }
}

/** Posts `n` messages in POSTs of `burstPostSize`, `burstInFlight` at a time; returns the ids acknowledged. */
async function sendBurst(url: string, maker: MessageMaker, n: number, refusals: Refusals): Promise<string[]> {
  const acked: string[] = [];
  let made = 0;
  await Promise.all(
    Array.from({ length: burstInFlight }, async () => {
      while (made < n) {
        const messages = maker.next(Math.min(burstPostSize, n - made));
        made += messages.length;
        acked.push(...(await postUntilAccepted(url, messages, refusals)));
      }
    }),
  );
  return acked;
}

/** Polls until `until()` gives a value or `deadline` (seconds on the run's clock) passes. */
async function poll<T>(until: () => Promise<T | null> | T | null, elapsed: () => number, deadline: number): Promise<T | null> {
  while (elapsed() < deadline) {
    const found = await until();
    if (found !== null) return found;
    await sleep(visiblePollMs);
  }
  return null;
}

export async function runBurst(options: BurstOptions): Promise<BurstReport> {
  const { server, rate } = options;
  const run = `bench-${Date.now()}`;
  const base = new MessageMaker(`${run}-base`, options.texts);
  const burst = new MessageMaker(`${run}-burst`, options.texts);
  const from = new Date(Date.now() - 60_000);
  const refusals = new Refusals();
  const acked: string[] = [];
  const rows: TimelineRow[] = [];
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;

  console.log(`base ${rate} msgs/s in POSTs of ${options.batch} throughout; after ${warmUpSeconds} s a burst of ${options.burst} in POSTs of ${burstPostSize}, ${burstInFlight} in flight; PULSE_SCALE_LAG=${scaleLag}\n`);
  console.log(timelineHeader);
  const stopBase = new AbortController();
  const stopSampling = new AbortController();
  const baseLoad = sendPaced({
    url: server.url, rate, batch: options.batch, seconds: Infinity, stop: stopBase.signal, refusals,
    make: (n) => base.next(n),
    onAccepted: (_, ids) => acked.push(...ids),
  });
  // The base load only ends when stopped: until then it can only fail, and a failure ends every phase.
  const baseFailure = baseLoad.then(() => new Promise<never>(() => undefined));
  const alongside = <T>(phase: Promise<T>) => Promise.race([phase, baseFailure]);
  const sampling = sampleEverySecond(server, refusals, started, rows, stopSampling.signal);

  let burstStart: number, burstSent: number, visibleAt: number | null, baseStop: number;
  try {
    await alongside(sleep(warmUpSeconds * 1000));
    burstStart = elapsed();
    const burstAcked = await alongside(sendBurst(server.url, burst, options.burst, refusals));
    burstSent = elapsed();
    acked.push(...burstAcked);
    const visible = async () => ((await countVisible(server.url, burst.source, from)) >= burstAcked.length ? elapsed() : null);
    visibleAt = await alongside(poll(visible, elapsed, burstSent + drainLimitSeconds));
    // The base load goes on until capacity comes off again, or the cool-down wait runs out. The
    // lag is not waited for: where the base rate alone keeps it above the threshold (the Kafka
    // mock cluster's latency does), it would never come.
    await alongside(poll(() => scaleDownAt(rows, scaleSteps(rows), burstStart), elapsed, elapsed() + options.cooldownWaitS));
  } finally {
    baseStop = elapsed();
    stopBase.abort();
    await baseLoad.catch(() => undefined);
  }
  await waitDrained(server.url, drainLimitSeconds * 1000).finally(() => stopSampling.abort());
  await sampling;

  const to = new Date(Date.now() + 60_000);
  const [baseStored, burstStored] = await Promise.all([readStored(server.url, base.source, from, to), readStored(server.url, burst.source, from, to)]);
  const account = accountFor(acked, { ids: [...baseStored.ids, ...burstStored.ids], statsCount: baseStored.statsCount + burstStored.statsCount });
  const steps = scaleSteps(rows);
  const last = rows.at(-1);
  const scaleDownAtS = scaleDownAt(rows, steps, burstStart);
  const round = (s: number) => Math.round(s * 10) / 10;
  const since = (at: number | null) => (at === null ? null : round(at - burstStart));
  return {
    mode: 'burst', burst: options.burst, baseRate: rate,
    sent: base.count + burst.count, acked: acked.length, stored: account.stored, lost: account.lostIds.length, duplicated: account.duplicated, uncounted: account.uncounted,
    burstStartS: round(burstStart), baseStopS: round(baseStop), burstAcceptSeconds: round(burstSent - burstStart), drainSeconds: since(visibleAt), lagDrainSeconds: since(lagBelowAt(rows, scaleLag, burstSent)),
    scaleThreshold: scaleLag, scaleSteps: steps, scaleUpDelayS: scaleUpDelay(rows, steps, scaleLag), scaleDown: scaleDownAtS !== null, scaleDownAtS,
    scaleEvents: last && last.scaleUps !== null ? { up: last.scaleUps, down: last.scaleDowns ?? 0 } : null,
    rssPeakMb: Math.round(Math.max(0, ...rows.map((r) => r.rssMb ?? 0))),
    rejected503: refusals.of(503), rejected429: refusals.of(429),
    timeline: rows.map(({ t, lag, members, rssMb, rejected503 }) => ({ t, lag, members, rssMb: rssMb === null ? null : Math.round(rssMb), rejected503 })),
  };
}

/** The figures under the timeline, in words. */
export function printBurst(r: BurstReport): void {
  console.log(`\nburst       ${r.burst} messages accepted in ${r.burstAcceptSeconds.toFixed(1)} s from t ${r.burstStartS} s = ${Math.round(r.burst / Math.max(0.1, r.burstAcceptSeconds))} msgs/s; POSTs answered 503: ${r.rejected503}, 429: ${r.rejected429} (each sent again after its Retry-After)`);
  const steps = r.scaleSteps.map((s) => `t ${s.atS} s ${s.from}→${s.to}`).join(', ');
  const events = r.scaleEvents ? `/metrics counts ${r.scaleEvents.up} up, ${r.scaleEvents.down} down` : 'no scale events in /metrics';
  console.log(`scale       ${steps || 'no step seen'} (${events}); first scale-up ${r.scaleUpDelayS === null ? '–' : `${r.scaleUpDelayS} s after the lag first passed ${r.scaleThreshold}`}`);
  const lagDrain = r.lagDrainSeconds === null ? 'not seen' : `${r.lagDrainSeconds} s${r.burstStartS + r.lagDrainSeconds >= r.baseStopS ? ' (only once the base load had stopped)' : ''}`;
  console.log(`drain       burst visible in ClickHouse ${r.drainSeconds === null ? 'NOT within the limit' : `${r.drainSeconds} s`} after it started; lag under ${r.scaleThreshold}: ${lagDrain}`);
  console.log(`cool-down   ${r.scaleDown ? `scale-down at t ${r.scaleDownAtS} s` : 'no scale-down seen'}; base load stopped at t ${r.baseStopS} s`);
  console.log(`memory      server RSS peak ${r.rssPeakMb} MB`);
  console.log(`check       sent ${r.sent}, acknowledged ${r.acked}, stored ${r.stored}: lost ${r.lost}, duplicated ${r.duplicated}${r.uncounted ? `, ${r.uncounted} stored but NOT counted by /api/stats` : ''}`);
}

/**
 * Crash rounds against a real Pulse server process: load over HTTP and WebSocket, a signal at
 * a chosen moment, a restart on the same data dir (and the same broker), then the account of
 * every acknowledged id (issue 12: nothing acknowledged is ever lost or counted twice).
 *
 * One {@link CrashRun} is one data dir and one server at a time; its rounds follow each other,
 * each one's restarted server being the next one's victim, so N rounds cost N + 1 starts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accountFor } from './account.ts';
import { Ledger, MessageFactory } from './ledger.ts';
import { freePort, PulseProcess, type Exit } from './pulse-process.ts';
import { readStored, waitDrained } from './read.ts';
import { resendUnacked, sendHttp, sendWs } from './senders.ts';

export type CrashSignal = 'SIGKILL' | 'SIGTERM';
export type CrashBus = 'memory' | 'kafka';

export interface CrashRunOptions {
  /** Brokers of a Kafka (mock) cluster that the caller keeps up across restarts; unset = the embedded bus. */
  kafkaBrokers?: string[];
  /** More environment for the server (over the harness's: no demo, no UI, quotas off). */
  env?: Record<string, string>;
}

export interface CrashRoundOptions {
  signal: CrashSignal;
  /** Messages per second offered, half over HTTP and half over WebSocket. */
  rate: number;
  /** When the signal is sent, from the start of the load. The load goes on until the process has exited. */
  killAfterMs: number;
  /** The round's messages' source (≤ 64 characters): only its ids are counted. */
  source: string;
  /** How long the restarted server may take to catch up, each time (default 120 s). */
  drainTimeoutMs?: number;
}

export interface CrashOutcome {
  bus: CrashBus;
  signal: CrashSignal;
  killAfterMs: number;
  /** How the killed process ended: a SIGTERM must end in code 0. */
  exit: Exit;
  /** Distinct messages the senders made. */
  sent: number;
  /** Acknowledged before the process died. */
  ackedBeforeKill: number;
  /** Not acknowledged when the process died: answered with a refusal / not answered at all. */
  refused: number;
  cut: number;
  /** Of those, stored anyway (read before they were sent again): fine, and reported. */
  unackedButStored: number;
  /** Sent again after the restart with the same ids. */
  resent: number;
  /** Acknowledged in the end (before the kill or on a resend). */
  acked: number;
  /** Never acknowledged, even after the resend, or rejected as invalid (a harness bug). */
  unacked: number;
  rejected: number;
  /** Distinct ids `/api/messages` lists for the round's source. */
  stored: number;
  /** Acknowledged but not stored. */
  lost: number;
  /** Up to 10 of the lost ids, to look for. */
  lostIds: string[];
  /** Ids listed more than once by `/api/messages`, plus what `/api/stats` counts beyond the distinct ids. */
  duplicated: number;
  /** What `/api/stats` counts for the source; below `stored` it misses messages (reported in `uncounted`). */
  statsCount: number;
  uncounted: number;
  /** Refused messages by refusal code (`SHUTTING_DOWN`, `INGEST_OVERLOADED`, `HTTP 500`, …), over the whole round. */
  refusals: Record<string, number>;
  /** Seconds: the restart until healthy, and the whole round. */
  restartSeconds: number;
  seconds: number;
}

/** Requests per second each sender aims at: a batch every 50 ms. */
const batchesPerSecond = 20;
const maxInFlight = 4;
const resendDeadlineMs = 60_000;

export class CrashRun {
  private constructor(
    private pulse: PulseProcess,
    private readonly dataDir: string,
    private readonly port: number,
    private readonly options: CrashRunOptions,
  ) {}

  /** A fresh data dir and a server on it. */
  static async start(options: CrashRunOptions = {}): Promise<CrashRun> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-crash-'));
    const port = await freePort();
    try {
      return new CrashRun(await PulseProcess.start({ dataDir, port, ...options }), dataDir, port, options);
    } catch (err) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  }

  get bus(): CrashBus {
    return this.options.kafkaBrokers ? 'kafka' : 'memory';
  }

  async round(options: CrashRoundOptions): Promise<CrashOutcome> {
    const startedAt = performance.now();
    const from = new Date(Date.now() - 60_000);
    const ledger = new Ledger();
    const factory = new MessageFactory(options.source);
    const perSender = options.rate / 2;
    const sender = { url: this.pulse.url, rate: perSender, batch: Math.max(1, Math.ceil(perSender / batchesPerSecond)), maxInFlight };

    // Load until the process is gone: during a graceful stop, the senders meet its refusals.
    const stop = new AbortController();
    const load = Promise.all([sendHttp(ledger, factory, sender, stop.signal), sendWs(ledger, factory, sender, stop.signal)]);
    await new Promise((resolve) => setTimeout(resolve, options.killAfterMs));
    const exit = await this.pulse.kill(options.signal);
    stop.abort();
    await load;
    const ackedBeforeKill = ledger.count('acked');
    const refused = ledger.count('refused');
    const cut = ledger.count('cut');

    const restartAt = performance.now();
    this.pulse = await PulseProcess.start({ dataDir: this.dataDir, port: this.port, ...this.options });
    const restartSeconds = (performance.now() - restartAt) / 1000;
    const url = this.pulse.url;
    const drainTimeoutMs = options.drainTimeoutMs ?? 120_000;

    // What the dead process stored of what it never acknowledged, before any of it is sent again.
    await waitDrained(url, drainTimeoutMs);
    const before = new Set((await readStored(url, options.source, from, new Date(Date.now() + 60_000))).ids);
    const unackedButStored = ledger.resendable().filter((m) => before.has(m.id)).length;

    const resent = await resendUnacked(ledger, url, sender.batch, resendDeadlineMs);
    await waitDrained(url, drainTimeoutMs);
    const stored = await readStored(url, options.source, from, new Date(Date.now() + 60_000));

    const acked = ledger.ids('acked');
    const account = accountFor(acked, stored);
    return {
      bus: this.bus,
      signal: options.signal,
      killAfterMs: options.killAfterMs,
      exit,
      sent: factory.count,
      ackedBeforeKill,
      refused,
      cut,
      unackedButStored,
      resent,
      acked: acked.length,
      unacked: ledger.count('refused') + ledger.count('cut'),
      rejected: ledger.count('rejected'),
      stored: account.stored,
      lost: account.lostIds.length,
      lostIds: account.lostIds.slice(0, 10),
      duplicated: account.duplicated,
      statsCount: stored.statsCount,
      uncounted: account.uncounted,
      refusals: Object.fromEntries(ledger.refusals),
      restartSeconds,
      seconds: (performance.now() - startedAt) / 1000,
    };
  }

  /** Stops the server (SIGTERM) and removes the data dir. */
  async stop(): Promise<void> {
    try {
      if (this.pulse.running) await this.pulse.kill('SIGTERM');
    } finally {
      fs.rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}

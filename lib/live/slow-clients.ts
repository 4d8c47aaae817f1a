/**
 * The slow-client policy. Above {@link SlowClientOptions.slowBytes} of unsent data a client gets
 * no ticks, messages or status; its increments pile up in its subscription's pending map (one
 * cell per stream and second, so bounded) and the next tick that goes out carries all of them.
 * Each skipped tick counts in `pulse_live_ticks_dropped_total`. A client that stays slow for
 * `slowTimeoutMs`, or whose queue passes `maxBufferedBytes` anyway (alerts, snapshots), is
 * disconnected; it reconnects to a fresh snapshot.
 */
import { log } from '../log.ts';
import type { LiveConnection } from './connection.ts';

export interface SlowClientOptions {
  /** Above this many unsent bytes a client is slow: ticks, messages and status skip it. */
  slowBytes?: number;
  /** A client slow for this long is disconnected. */
  slowTimeoutMs?: number;
  /** A client with more unsent bytes than this is disconnected at once. */
  maxBufferedBytes?: number;
}

export type SlowClientLimits = Required<SlowClientOptions>;

export function slowClientLimits(options: SlowClientOptions): SlowClientLimits {
  return {
    slowBytes: options.slowBytes ?? 256 * 1024,
    slowTimeoutMs: options.slowTimeoutMs ?? 30_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
  };
}

/** A slow peer gets this long to answer the close handshake before it is dropped. */
const closeGraceMs = 1000;

/** One connection under the slow-client policy. */
export class SlowClient {
  /** Ticks dropped since it connected. */
  dropped = 0;
  private slowSince: number | undefined;

  constructor(
    private readonly connection: LiveConnection,
    private readonly limits: SlowClientLimits,
    /** Counts every dropped tick, all clients together. */
    private readonly ticksDropped: { inc(): void },
  ) {}

  /** Whether the client's queue is over the slow bound; disconnects one that stayed slow too long. */
  isSlow(now: number): boolean {
    const c = this.connection;
    if (c.bufferedBytes <= this.limits.slowBytes) {
      this.slowSince = undefined;
      return false;
    }
    this.slowSince ??= now;
    if (now - this.slowSince > this.limits.slowTimeoutMs && c.open) {
      log.warn({ bufferedBytes: c.bufferedBytes, slowMs: now - this.slowSince }, 'live client too slow for too long; disconnecting it');
      c.close('too-slow');
      // A peer that reads nothing would not read the close frame either.
      setTimeout(() => c.terminate(), closeGraceMs).unref();
    }
    return true;
  }

  /** A tick this client did not get. */
  dropTick(): void {
    this.dropped++;
    this.ticksDropped.inc();
  }

  /** After a send: a queue past `maxBufferedBytes` (what slowness does not hold back) ends the connection. */
  checkQueue(): void {
    const c = this.connection;
    if (c.open && c.bufferedBytes > this.limits.maxBufferedBytes) {
      log.warn({ bufferedBytes: c.bufferedBytes }, 'live client queue over its bound; disconnecting it');
      c.terminate();
    }
  }
}

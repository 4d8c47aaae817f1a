/**
 * What both ingest transports (HTTP `/api/ingest`, WebSocket `/ws/ingest`) check before a batch
 * is ingested: that the process is not stopping (what was admitted before the stop began still
 * finishes, and the stop waits for it), that the classifiers are not too far behind, so memory
 * does not grow with a backlog, and that the sender is within its rate, per client address and
 * per key (or user), counted in messages. Every refusal is a RetryLaterError: 503 SHUTTING_DOWN
 * or INGEST_OVERLOADED, or 429 RATE_LIMITED, with `Retry-After`.
 */
import type { ClassifierLag } from '../classify/lag.ts';
import type { LimitsConfig } from '../config.ts';
import { RetryLaterError } from '../errors.ts';
import { TokenBuckets } from '../limits.ts';
import { Drain } from '../shutdown.ts';

/** Who sends a batch, as the transport authenticated it. */
export interface IngestSender {
  /** The client's address: its own bucket, whoever it signs in as. */
  ip: string;
  /** The key or user the batch counts against (the address when nobody signed in). */
  quotaKey: string;
}

export type AdmissionLimits = Pick<LimitsConfig, 'ingestRatePerKey' | 'ingestRatePerIp' | 'ingestBurst' | 'ingestMaxBacklog'>;

export class IngestAdmission {
  private readonly perIp: TokenBuckets;
  private readonly perKey: TokenBuckets;

  /**
   * `lag`: the process's one lag reader. The gate acts on its latest successful reading, so
   * a failed read does not refuse everything, and no request waits for the bus.
   * `drain`: the process's draining state, which its stop begins.
   */
  constructor(
    private readonly lag: Pick<ClassifierLag, 'backlog'>,
    private readonly limits: AdmissionLimits,
    now: () => number = Date.now,
    private readonly drain: Drain = new Drain(),
  ) {
    this.perIp = new TokenBuckets({ ratePerSecond: limits.ingestRatePerIp, burst: limits.ingestBurst, unit: 'messages' }, now);
    this.perKey = new TokenBuckets({ ratePerSecond: limits.ingestRatePerKey, burst: limits.ingestBurst, unit: 'messages' }, now);
  }

  /**
   * Opens one HTTP request or WebSocket frame, before anything else is checked: SHUTTING_DOWN
   * once the stop began; otherwise it counts as in flight, and the stop waits for it, until
   * the returned `leave` is called.
   */
  enter(): () => void {
    return this.drain.enter();
  }

  /** SHUTTING_DOWN once the stop began: a new ingest socket is refused at its upgrade. */
  checkOpen(): void {
    this.drain.check();
  }

  /** INGEST_OVERLOADED while the classifiers are more than the limit behind. HTTP asks before it reads the body. */
  checkBacklog(): void {
    const backlog = this.lag.backlog ?? 0;
    if (backlog > this.limits.ingestMaxBacklog) {
      throw new RetryLaterError('INGEST_OVERLOADED', `the classifiers are ${backlog} messages behind (limit ${this.limits.ingestMaxBacklog}); retry shortly`, 2);
    }
  }

  /** Admits `count` messages from `sender`: the backlog gate, then its address's and its key's tokens. */
  admit(sender: IngestSender, count: number): void {
    this.checkBacklog();
    this.perIp.take(`ip:${sender.ip}`, count, 'this address');
    this.perKey.take(sender.quotaKey, count, 'this key');
  }
}

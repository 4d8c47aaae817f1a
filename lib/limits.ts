/**
 * Abuse protection for the entry points: token buckets (ingest per key and per client address,
 * counted in messages; login attempts per address) and connection counts per principal on the
 * WebSockets. Ingest's own checks, backlog included, are lib/ingest/admission.ts. Every refusal
 * is a RetryLaterError: HTTP answers 429 / 503 with `Retry-After`.
 */
import { RetryLaterError } from './errors.ts';

export interface BucketOptions {
  /** Tokens (messages) added per second. */
  ratePerSecond: number;
  /** The most a bucket holds: the burst a quiet client may send at once. */
  burst: number;
  /** What a token is, for the refusal's message: `messages`, `attempts`. */
  unit: string;
  /** Buckets kept at most; full (idle) ones are dropped first. */
  maxBuckets?: number;
}

/**
 * One token bucket per key. A request of n tokens passes while the bucket holds min(n, burst)
 * and then owes all n (the balance may go negative), so a request larger than the burst is
 * possible but its sender waits it off; over time nobody exceeds the rate.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: BucketOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes n tokens or throws RATE_LIMITED with the seconds until they would be there. */
  take(key: string, n: number, what: string): void {
    const { ratePerSecond: rate, burst } = this.options;
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    const needed = Math.min(n, burst);
    if (b.tokens < needed) {
      this.buckets.set(key, b);
      const wait = Math.max(1, Math.ceil((needed - b.tokens) / rate));
      const pace = rate >= 1 ? `more than ${rate} ${this.options.unit} per second (burst ${burst})` : `${burst} ${this.options.unit}, then one every ${Math.round(1 / rate)} s`;
      throw new RetryLaterError('RATE_LIMITED', `${what}: ${pace}; retry in ${wait} s`, wait);
    }
    b.tokens -= n;
    this.buckets.set(key, b);
    if (this.buckets.size > (this.options.maxBuckets ?? 10_000)) this.dropIdle(now);
  }

  private dropIdle(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.options.ratePerSecond >= this.options.burst) this.buckets.delete(key);
    }
  }
}

/** Open WebSocket connections per principal; `acquire` refuses past the limit. */
export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly perKey: number) {}

  /** Counts a connection and returns its release, or throws TOO_MANY_CONNECTIONS. */
  acquire(key: string): () => void {
    const n = this.open.get(key) ?? 0;
    if (n >= this.perKey) throw new RetryLaterError('TOO_MANY_CONNECTIONS', `at most ${this.perKey} connections at once per key or user`, 5);
    this.open.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }
}

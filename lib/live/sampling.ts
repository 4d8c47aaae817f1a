/**
 * Which scored messages reach a browser as `message` events: a fixed rate per client, spread
 * over what arrived, so a busy stream shows a fair sample and never more than a list can draw.
 * Pure logic; the clock comes in as an argument.
 */
import type { ScoredMessage } from '../message.ts';
import type { LiveFilter } from './aggregator.ts';
import { AllStreamsId } from '../contracts/api.ts';
import { LiveTextChars, type LiveMessage } from '../contracts/live.ts';
import { sourceKey } from '../source-key.ts';

/**
 * A token bucket: `rate` per second on average, with bursts of at most a tenth of a second's
 * worth (at least one), so a client never gets much more than `rate` in any second.
 */
export class RateBudget {
  private tokens: number;
  private readonly burst: number;

  constructor(
    private readonly rate: number,
    private at: number,
  ) {
    this.burst = Math.max(1, rate / 10);
    this.tokens = rate > 0 ? this.burst : 0;
  }

  /** Takes up to `wanted` whole tokens; answers how many it got. */
  take(wanted: number, now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    const got = Math.min(wanted, Math.floor(this.tokens));
    this.tokens -= got;
    return got;
  }
}

/** A uniform sample of at most `capacity` of the items offered since the last `drain` (Algorithm R). */
export class Reservoir<T> {
  private items: T[] = [];
  private offered = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  offer(item: T): void {
    this.offered++;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      const i = Math.floor(this.random() * this.offered);
      if (i < this.capacity) this.items[i] = item;
    }
  }

  drain(): T[] {
    const items = this.items;
    this.items = [];
    this.offered = 0;
    return items;
  }
}

/** `n` items spread evenly over `items` (all of them when there are no more than `n`). */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (n <= 0) return [];
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

export function matchesFilter(m: ScoredMessage, filter: LiveFilter): boolean {
  if (filter.sources && !filter.sources.includes(sourceKey(m.source))) return false;
  return filter.streams.some((s) => s === AllStreamsId || m.streams.includes(s));
}

export function toLiveMessage(m: ScoredMessage): LiveMessage {
  const truncated = m.text.length > LiveTextChars;
  let text = truncated ? m.text.slice(0, LiveTextChars) : m.text;
  // Never end on half of a surrogate pair, which would render as a replacement character.
  if (truncated && /[\uD800-\uDBFF]$/.test(text)) text = text.slice(0, -1);
  return {
    id: m.id, ts: m.ts, source: m.source, text, truncated, label: m.label,
    confidence: m.confidence, probs: m.probs, score: m.score, streams: m.streams,
  };
}

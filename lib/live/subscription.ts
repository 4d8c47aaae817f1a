/**
 * One client's subscription after its snapshot: what it sees (filter, range), the increments
 * not sent to it yet, and the "now" figures it was last sent, so that a tick carries only what
 * changed. Pure logic; the hub feeds it each tick's projection and asks it for the next tick.
 */
import { mergePoint, type LivePoint, type StreamNow, type StreamTick } from '../contracts/live.ts';
import type { ScoredMessage } from '../message.ts';
import type { LiveFilter } from './aggregator.ts';
import { matchesFilter } from './sampling.ts';

/** The current "now" figures of one stream over the subscription's sources. */
export type CurrentFigures = (stream: string, sources: LiveFilter['sources']) => StreamNow;

export class LiveSubscription {
  /** Subscriptions with equal keys share one projection of each tick. */
  readonly key: string;
  /** stream → second (ISO) → increments not sent yet. */
  private readonly pending = new Map<string, Map<string, LivePoint>>();
  /** Ticks not sent since the last one that was; the next tick says how many. */
  private droppedSinceSent = 0;

  constructor(
    readonly filter: LiveFilter,
    /** Custom windows: only seconds in [from, to) are sent. */
    private readonly range: { from: number; to: number } | undefined,
    /** Moving average and volume as last sent, per stream (first: the snapshot's): a tick repeats them only when they change. */
    private readonly sent: Map<string, StreamNow>,
  ) {
    this.key = JSON.stringify([filter.streams, filter.sources ?? null]);
  }

  /** Merges one tick's increments, projected for this filter, into what is pending. */
  add(points: Map<string, LivePoint[]>): void {
    for (const [stream, list] of points) {
      let pending = this.pending.get(stream);
      if (!pending) this.pending.set(stream, (pending = new Map()));
      for (const p of list) {
        const before = pending.get(p.t);
        pending.set(p.t, before ? mergePoint(before, p) : p);
      }
    }
  }

  /** What changed since the last sent tick; undefined when nothing did. */
  nextTick(current: CurrentFigures): Record<string, StreamTick> | undefined {
    const out: Record<string, StreamTick> = {};
    let changed = false;
    for (const stream of this.filter.streams) {
      const now = current(stream, this.filter.sources);
      const points = [...(this.pending.get(stream)?.values() ?? [])]
        .filter((p) => this.inRange(Date.parse(p.t)))
        .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
      const sent = this.sent.get(stream);
      if (!points.length && sent?.movingAverage === now.movingAverage && sent.volume === now.volume) continue;
      out[stream] = { points, ...now };
      changed = true;
    }
    return changed ? out : undefined;
  }

  /** A tick was not sent: its increments stay pending for the next one. */
  dropped(): void {
    this.droppedSinceSent++;
  }

  /** The tick goes out: its increments leave pending; answers how many ticks were dropped before it. */
  markSent(tick: Record<string, StreamTick>): number {
    const dropped = this.droppedSinceSent;
    this.pending.clear();
    for (const [stream, t] of Object.entries(tick)) this.sent.set(stream, { movingAverage: t.movingAverage, volume: t.volume });
    this.droppedSinceSent = 0;
    return dropped;
  }

  /** Whether a scored message belongs in this subscription's `message` events. */
  wants(m: ScoredMessage): boolean {
    return matchesFilter(m, this.filter) && this.inRange(Date.parse(m.ts));
  }

  private inRange(ms: number): boolean {
    return !this.range || (ms >= this.range.from && ms < this.range.to);
  }
}

/**
 * The overview's time series: non-empty buckets of label counts and mean score over a window,
 * filled from a snapshot (`/api/stats` or the hub's `snapshot`) and grown by the hub's `tick`
 * increments, plus the figures the charts derive from it.
 */
import { Buckets, type Bucket } from '../../lib/contracts/api.ts';
import { bucketStart, mergePoint, type LivePoint } from '../../lib/contracts/live.ts';

export interface Series {
  /** The window [from, to) in epoch ms. */
  from: number;
  to: number;
  bucket: Bucket;
  /** Whether the window slides with time (a named window) or is fixed (a custom range). */
  live: boolean;
  /** Non-empty buckets in time order; `t` is the bucket's start. */
  points: LivePoint[];
  /** The hub's mean score over the last 30 s; null when unknown or there were no messages. */
  movingAverage: number | null;
  /** The hub's messages per second in the last complete second; null when unknown. */
  volume: number | null;
}

/** Series as a value for rendering, accumulated in place between frames. */
export class SeriesState {
  private readonly cells = new Map<number, LivePoint>();

  constructor(
    private from: number,
    private to: number,
    readonly bucket: Bucket,
    readonly live: boolean,
    points: readonly LivePoint[],
    private movingAverage: number | null = null,
    private volume: number | null = null,
  ) {
    this.add(points);
  }

  /** Adds counts to the buckets that contain them (a tick's per-second increments). */
  add(points: readonly LivePoint[]): void {
    for (const p of points) {
      const t = bucketStart(Date.parse(p.t), this.bucket);
      const cell = { ...p, t: new Date(t).toISOString() };
      const old = this.cells.get(t);
      this.cells.set(t, old ? mergePoint(old, cell) : cell);
    }
  }

  setNow(now: { movingAverage: number | null; volume: number }): void {
    this.movingAverage = now.movingAverage;
    this.volume = now.volume;
  }

  /** Moves a live window's end to `to` and forgets buckets that fell out of it. */
  slide(to: number): void {
    if (!this.live || to <= this.to) return;
    this.from += to - this.to;
    this.to = to;
    const size = Buckets[this.bucket] * 1000;
    for (const t of this.cells.keys()) if (t + size <= this.from) this.cells.delete(t);
  }

  value(): Series {
    const points = [...this.cells.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    return {
      from: this.from, to: this.to, bucket: this.bucket, live: this.live, points,
      movingAverage: this.movingAverage, volume: this.volume,
    };
  }
}

export interface Totals {
  count: number;
  negative: number;
  neutral: number;
  positive: number;
  /** Null without messages. */
  meanScore: number | null;
}

export function totals(points: readonly LivePoint[]): Totals {
  const t = { count: 0, negative: 0, neutral: 0, positive: 0, scoreSum: 0 };
  for (const p of points) {
    t.count += p.count;
    t.negative += p.negative;
    t.neutral += p.neutral;
    t.positive += p.positive;
    t.scoreSum += p.meanScore * p.count;
  }
  return { count: t.count, negative: t.negative, neutral: t.neutral, positive: t.positive, meanScore: t.count ? t.scoreSum / t.count : null };
}

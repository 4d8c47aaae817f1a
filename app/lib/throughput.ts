/**
 * The Throughput card under a stream or source filter: the live status counts every message the
 * server classifies, so a filtered view derives its rate from its own series instead.
 */
import { Buckets } from '../../lib/contracts/api.ts';
import { bucketStart } from '../../lib/contracts/live.ts';
import { duration } from './format.ts';
import type { Series } from './series.ts';

/** A live window's rate is over its last 30 s, or its last bucket where buckets are longer (24 h: 5 min). */
const recentMs = 30_000;

export interface FilteredRate {
  /** Messages per second. */
  perSecond: number;
  /** Over what span, in words: "last 30 s", "last 7 min", "window average". */
  over: string;
}

/**
 * A live window: the messages of the buckets that overlap its last {@link recentMs} (or last
 * bucket), over the time from the first such bucket's start to the window's end; with buckets
 * of up to 10 s that is 30 to 40 s, named "last 30 s" so the label does not flicker per tick.
 * A fixed range: its average over the whole range.
 */
export function filteredRate(series: Series): FilteredRate {
  const size = Buckets[series.bucket] * 1000;
  if (!series.live) {
    const total = series.points.reduce((n, p) => n + p.count, 0);
    return { perSecond: total / ((series.to - series.from) / 1000), over: 'window average' };
  }
  const spanMs = Math.max(recentMs, size);
  const start = Math.max(series.from, bucketStart(series.to - spanMs, series.bucket));
  const recent = series.points.filter((p) => Date.parse(p.t) >= start).reduce((n, p) => n + p.count, 0);
  return { perSecond: recent / Math.max(1, (series.to - start) / 1000), over: `last ${duration(size <= 10_000 ? recentMs : series.to - start)}` };
}

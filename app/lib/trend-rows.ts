/**
 * What the trend chart plots, one row per x: each non-empty bucket with its smoothed pool, and
 * one empty row in each outage, whose null values break the line there.
 */
import type { LivePoint } from '../../lib/contracts/live.ts';
import { outages } from './trend-gaps.ts';
import { pools, type Pool } from './trend-smoothing.ts';

export interface TrendRow {
  /** A bucket's start, or an outage's first empty bucket (epoch ms). */
  t: number;
  /** The bucket as counted (the faint raw point); null in an outage. */
  bucket: LivePoint | null;
  /** The buckets pooled around it (the smoothed line's point); null in an outage or where too few messages are in reach. */
  pool: Pool | null;
}

/** Rows of `points` (non-empty buckets in time order, `bucketMs` long). */
export function trendRows(points: readonly LivePoint[], bucketMs: number): TrendRow[] {
  const breaks = outages(points, bucketMs);
  const pooled = pools(points, bucketMs, breaks);
  return points.flatMap((bucket, i) => {
    const t = Date.parse(bucket.t);
    const row: TrendRow = { t, bucket, pool: pooled[i]! };
    return breaks.has(i) ? [row, { t: t + bucketMs, bucket: null, pool: null }] : [row];
  });
}

/** The median time a smoothed point pools (ms), to say what a point is; null without any. */
export function typicalPoolMs(rows: readonly TrendRow[]): number | null {
  const spans = rows.flatMap((r) => (r.pool ? [r.pool.to - r.pool.from] : [])).sort((a, b) => a - b);
  return spans.length ? spans[Math.floor(spans.length / 2)]! : null;
}

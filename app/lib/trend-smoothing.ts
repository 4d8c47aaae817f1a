/**
 * The trend's smoothed line: each plotted point pools the buckets around it until they hold at
 * least {@link MinMessagesPerPoint} messages, so a share or a mean score rests on enough
 * messages to mean something whatever the rate. At 1,000 msgs/s a point is its own bucket; at
 * 2 msgs/s it pools about 15 one-second buckets. Buckets are pooled by their messages (one with
 * 2 weighs a five-hundredth of one with 1,000), never averaged bucket by bucket.
 */
import type { LivePoint } from '../../lib/contracts/live.ts';

/**
 * 30 messages keep a share's standard error under 9 percentage points (0.5 / √30), so a swing of
 * 20 points stands out of the noise, while a 2 msgs/s stream still gets a point about every 15 s.
 * (At 1-s buckets and 2.5 msgs/s, raw shares swung 0 ↔ 100 %: issue 15.)
 */
export const MinMessagesPerPoint = 30;

/** Neighbouring buckets pooled into one plotted point. */
export interface Pool {
  /** Start of the first bucket pooled and end of the last (epoch ms). */
  from: number;
  to: number;
  count: number;
  negative: number;
  neutral: number;
  positive: number;
  /** The pooled messages' mean score: the buckets' means weighted by their counts. */
  meanScore: number;
}

/**
 * For each point (non-empty buckets in time order, `t` their start, `bucketMs` long), the
 * smallest run of buckets around it that holds at least `min` messages. It grows one bucket at a
 * time towards the nearer neighbour in time (the earlier on a tie, so a live window's last point
 * looks back) and never across a break: `breaks` holds each i where points i and i + 1 lie on
 * either side of an outage (trend-gaps.ts). Null where the point's whole stretch between breaks
 * holds fewer than `min` messages: no line is better than one resting on a handful.
 */
export function pools(points: readonly LivePoint[], bucketMs: number, breaks: ReadonlySet<number> = new Set(), min = MinMessagesPerPoint): (Pool | null)[] {
  const t = points.map((p) => Date.parse(p.t));
  // Prefix sums: a pool's sums are two lookups, however wide it grows.
  const sums = { count: [0], negative: [0], neutral: [0], positive: [0], score: [0] };
  points.forEach((p, i) => {
    sums.count.push(sums.count[i]! + p.count);
    sums.negative.push(sums.negative[i]! + p.negative);
    sums.neutral.push(sums.neutral[i]! + p.neutral);
    sums.positive.push(sums.positive[i]! + p.positive);
    sums.score.push(sums.score[i]! + p.meanScore * p.count);
  });
  const between = (sum: number[], lo: number, hi: number) => sum[hi + 1]! - sum[lo]!;

  // The first and last point of each point's stretch between breaks.
  const starts: number[] = [];
  points.forEach((_, i) => starts.push(i > 0 && !breaks.has(i - 1) ? starts[i - 1]! : i));
  const ends: number[] = [];
  for (let i = points.length - 1; i >= 0; i--) ends[i] = i < points.length - 1 && !breaks.has(i) ? ends[i + 1]! : i;

  return points.map((_, i) => {
    const stretchStart = starts[i]!;
    const stretchEnd = ends[i]!;
    if (between(sums.count, stretchStart, stretchEnd) < min) return null;
    let lo = i;
    let hi = i;
    while (between(sums.count, lo, hi) < min) {
      const left = lo > stretchStart ? t[i]! - t[lo - 1]! : Infinity;
      const right = hi < stretchEnd ? t[hi + 1]! - t[i]! : Infinity;
      if (left <= right) lo--;
      else hi++;
    }
    const count = between(sums.count, lo, hi);
    return {
      from: t[lo]!,
      to: t[hi]! + bucketMs,
      count,
      negative: between(sums.negative, lo, hi),
      neutral: between(sums.neutral, lo, hi),
      positive: between(sums.positive, lo, hi),
      meanScore: between(sums.score, lo, hi) / count,
    };
  });
}

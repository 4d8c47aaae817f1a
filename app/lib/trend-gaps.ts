/**
 * Outages in a series: stretches without messages too long to be chance at the stream's own
 * rate. The trend's line breaks there instead of drawing straight across (the volume chart
 * shows the zeros), and its smoothing never pools across one.
 *
 * A fixed number of empty buckets would not do: at 0.2 msgs/s empty seconds are the rule, at
 * 1,000 msgs/s a single one is an outage. So the rate on either side decides.
 */
import type { LivePoint } from '../../lib/contracts/live.ts';
import { MinMessagesPerPoint } from './trend-smoothing.ts';

/** A single empty bucket is a dent, not an outage, whatever the rate. */
export const GapMinBuckets = 2;

/**
 * Messages the rate beside a stretch says it should have held: a Poisson stream leaves 10
 * expected messages out with probability e⁻¹⁰ (≈ 1 in 22,000), so what is left out is missing.
 */
export const GapExpectedMessages = 10;

/**
 * Each i where an outage lies between points i and i + 1 (non-empty buckets in time order):
 * at least {@link GapMinBuckets} empty buckets, in which the slower of the rates on either side
 * expects at least {@link GapExpectedMessages}. A side's rate is measured on the nearest
 * buckets that hold {@link MinMessagesPerPoint} messages on that side alone (a rate measured
 * across the silence would be diluted by it); a side with fewer has the series' overall rate.
 */
export function outages(points: readonly LivePoint[], bucketMs: number): Set<number> {
  const found = new Set<number>();
  if (points.length < 2) return found;
  const t = points.map((p) => Date.parse(p.t));
  const counts = points.map((p) => p.count);
  const overall = counts.reduce((a, b) => a + b, 0) / (t.at(-1)! + bucketMs - t[0]!);
  // Before a silence: the buckets ending with i; after it: those starting with i + 1, read backwards.
  const before = ratesUpTo(t, counts, bucketMs, overall);
  const after = ratesUpTo(t.map((x) => -x - bucketMs).reverse(), counts.toReversed(), bucketMs, overall).reverse();
  for (let i = 0; i + 1 < points.length; i++) {
    const emptyMs = t[i + 1]! - t[i]! - bucketMs;
    if (emptyMs >= GapMinBuckets * bucketMs && emptyMs * Math.min(before[i]!, after[i + 1]!) >= GapExpectedMessages) found.add(i);
  }
  return found;
}

/**
 * For each point, messages per ms over the fewest points ending with it that hold
 * {@link MinMessagesPerPoint}, or `fallback` when all of them up to it hold fewer. Read
 * backwards, a bucket [t, t + size) becomes [−t − size, −t).
 */
function ratesUpTo(t: readonly number[], counts: readonly number[], bucketMs: number, fallback: number): number[] {
  const rates: number[] = [];
  let lo = 0;
  let sum = 0;
  counts.forEach((n, i) => {
    sum += n;
    while (lo < i && sum - counts[lo]! >= MinMessagesPerPoint) sum -= counts[lo++]!;
    rates.push(sum >= MinMessagesPerPoint ? sum / (t[i]! + bucketMs - t[lo]!) : fallback);
  });
  return rates;
}

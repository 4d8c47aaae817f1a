/**
 * The label-surge signal: are more messages of one label (negative, or positive) arriving
 * than that label's own baseline explains — a negative storm, a positive viral spike?
 *
 * A window of w seconds holding k messages of the label among m messages in all is tested
 * twice:
 *
 * - rate: k against the label's baseline rate λ, as the volume signal tests a count (Poisson
 *   wλ, plus the extra variance of a bursty stream and of the baseline itself), with k at
 *   least `minRatio` × wλ;
 * - share: k against the label's baseline share p of the window's own m messages (binomial
 *   m·p(1−p), plus the share's extra variance and that of its baseline).
 *
 * The share test is the gate: only once the share has clearly risen (z ≥ {@link shareGate})
 * is the window a surge, and its z is then the rate test's; below the gate it is the smaller of
 * the two, which stays below any alert threshold. That is what keeps a pure volume spike a
 * volume alert: when the total rises with the usual mix, every label's rate rises with it (the
 * rate test fires) but in proportion (the share test does not). A storm passes both: more
 * messages of the label than usual, and more of them than the window's volume explains. The
 * severity then follows the rate test, which grows with how far the rate rose and with how
 * many messages show it: a storm of 1,800 messages ranks above the same ratio on 60. (The
 * share alone cannot say that: a stream that is 75 % negative can only go to 100 %.)
 *
 * Only rises alert: a label going quiet is what the sentiment signal reports.
 */
import { RobustBaseline, robustLocation } from './baseline.ts';
import { RecentTicks } from './recent.ts';
import { WindowScan } from './scan.ts';
import type { VolumeOptions } from './volume-spike.ts';

/**
 * The knobs of a volume spike, applied to one label's rate (the stream detector hands both the
 * same values); `minRatio` bounds the label's rate against its own baseline rate.
 */
export type LabelSurgeOptions = VolumeOptions;

export interface LabelSurgeReading {
  /** The rate test's z once the share test passed its gate, else the smaller of the two (> 0: a rise). */
  z: number;
  /** The label's messages per tick in the window, and the window. */
  rate: number;
  ticks: number;
  /** The label's messages, and all messages, in the window. */
  labelCount: number;
  count: number;
  /** The label's baseline rate (messages per tick) and its robust spread. */
  center: number;
  spread: number;
}

/**
 * z of the share test from which a window counts as a change of mix: by chance about 3 in
 * 100,000 windows, and a storm from a 75 % negative baseline passes it within about 5 s.
 */
export const shareGate = 4;

const LabelCount = 0;
const Share = 1;
const Total = 2;

export class LabelSurgeSignal {
  /** Per tick: weight = all messages, sum = the label's messages. */
  private readonly recent: RecentTicks;
  private readonly baseline: RobustBaseline;
  private readonly scan: WindowScan;

  constructor(private readonly options: LabelSurgeOptions) {
    this.recent = new RecentTicks(options.maxWindow + options.smoothing);
    this.baseline = new RobustBaseline(options.horizon, 3, options.quarantine);
    this.scan = new WindowScan({ minWindow: options.minWindow, maxWindow: options.maxWindow, minWeight: options.minCount });
  }

  /** `best`: the strongest persistent surge (null: none); `full`: the longest window, as it is. */
  observe(count: number, labelCount: number): { best: LabelSurgeReading | null; full: LabelSurgeReading | null } {
    const { maxWindow, smoothing, minRatio, horizon } = this.options;
    this.recent.push(count, labelCount);
    if (this.recent.size >= maxWindow + smoothing) this.retire(maxWindow);
    if (this.baseline.included < this.options.minBaseline) return { best: null, full: null };
    const independent = Math.max(1, this.baseline.included / smoothing);

    const counts = robustLocation(this.baseline.channel(LabelCount));
    // A label never seen in the baseline still has some rate: one message per horizon.
    const rate = Math.max(counts.center / smoothing, 1 / horizon);
    const spread = counts.upper / smoothing;
    const rateOverdispersion = Math.max(0, spread * spread - rate / smoothing);
    const rateVar = ((Math.PI / 2) * spread * spread) / independent;

    const shares = robustLocation(this.baseline.channel(Share));
    const sampleTotal = Math.max(1, this.baseline.channel(Total).mean());
    // A share of 0 would make any single message infinitely unlikely: half a message per sample.
    const share = Math.min(Math.max(Number.isFinite(shares.center) ? shares.center : 0, 0.5 / sampleTotal), 1 - 1e-6);
    const shareSpread = Number.isFinite(shares.upper) ? shares.upper : 0;
    const binomial = share * (1 - share);
    const shareOverdispersion = Math.max(0, shareSpread * shareSpread - binomial / sampleTotal);
    const shareVar = ((Math.PI / 2) * shareSpread * shareSpread) / independent;

    const zOf = (ticks: number, total: number, k: number) => {
      // Half a message of continuity correction: at a few messages a window, the normal tail of
      // a count is too thin, and a low-volume stream would see surges in its ordinary noise.
      const zRate = (k - 0.5 - ticks * rate) / Math.sqrt(ticks * rate + ticks * ticks * (rateOverdispersion + rateVar));
      const zShare = (k - 0.5 - total * share) / Math.sqrt(total * binomial + total * total * (shareOverdispersion + shareVar));
      return zShare >= shareGate ? zRate : Math.min(zRate, zShare);
    };
    const { best } = this.scan.run(this.recent, (ticks, total, k) => (k < minRatio * ticks * rate ? NaN : zOf(ticks, total, k)));
    const reading = (ticks: number, total: number, k: number): LabelSurgeReading => ({
      z: zOf(ticks, total, k), rate: k / ticks, ticks, labelCount: k, count: total, center: rate, spread,
    });
    let total = 0;
    let k = 0;
    for (let a = 0; a < maxWindow; a++) {
      total += this.recent.weight(a);
      k += this.recent.sum(a);
    }
    return { best: best && best.z > 0 ? reading(best.ticks, best.weight, best.sum) : null, full: reading(maxWindow, total, k) };
  }

  flagNewest(ticks: number): void {
    this.recent.flagNewest(ticks);
  }

  reset(): void {
    this.recent.clear();
    this.baseline.clear();
  }

  /** The baseline sample of the tick at `age`: the label's and all messages of the `smoothing` ticks ending there. */
  private retire(age: number): void {
    let total = 0;
    let k = 0;
    for (let a = age; a < age + this.options.smoothing; a++) {
      total += this.recent.weight(a);
      k += this.recent.sum(a);
    }
    // A sample that includes a flagged tick carries the surge too: it is held out with it.
    this.baseline.push([k, total > 0 ? k / total : NaN, total], this.recent.flagged(age, this.options.smoothing));
  }
}

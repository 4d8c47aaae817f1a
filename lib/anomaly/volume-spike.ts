/**
 * The volume signal: are more messages arriving than the baseline rate explains? Counts are
 * Poisson when messages arrive independently, so a window of w seconds expects wλ messages
 * with variance wλ; real streams are burstier than that, and the extra variance of the rate
 * (τ², from the baseline's spread beyond Poisson) is added so a bursty stream does not alert
 * on its ordinary bursts.
 *
 * Only rises alert: a drop in volume is an ingestion or source problem, which the health
 * endpoint reports, more often than a story. A rise must also be large in itself (`minRatio`
 * times the usual rate), since at high volume a 10 % rise is already significant and still
 * not news.
 */
import { RobustBaseline, robustLocation } from './baseline.ts';
import { RecentTicks } from './recent.ts';
import { WindowScan } from './scan.ts';

export interface VolumeOptions {
  /** Baseline horizon in ticks (seconds). */
  horizon: number;
  /** Shortest and longest windows tested, in ticks: a one-second blip is not a spike. */
  minWindow: number;
  maxWindow: number;
  /** Ticks per baseline sample: counts are summed over this many seconds before the median. */
  smoothing: number;
  /** Fewer messages than this in a window never alert. */
  minCount: number;
  /** The window's rate must be at least this multiple of the baseline rate. */
  minRatio: number;
  minBaseline: number;
  /** Ticks a sample of a spike stays out of the baseline (see baseline.ts). */
  quarantine: number;
}

export interface VolumeReading {
  z: number;
  /** Messages per tick in the window, and the window. */
  rate: number;
  ticks: number;
  count: number;
  /** Baseline rate (messages per tick) and its robust spread. */
  center: number;
  spread: number;
}

export class VolumeSignal {
  private readonly recent: RecentTicks;
  private readonly baseline: RobustBaseline;
  private readonly scan: WindowScan;

  constructor(private readonly options: VolumeOptions) {
    this.recent = new RecentTicks(options.maxWindow + options.smoothing);
    this.baseline = new RobustBaseline(options.horizon, 1, options.quarantine);
    this.scan = new WindowScan({ minWindow: options.minWindow, maxWindow: options.maxWindow, minWeight: options.minCount });
  }

  /** `best`: the strongest persistent rise (null: none); `full`: the longest window, as it is. */
  observe(count: number): { best: VolumeReading | null; full: VolumeReading | null } {
    const { maxWindow, smoothing, minRatio } = this.options;
    this.recent.push(count, 0);
    if (this.recent.size >= maxWindow + smoothing) this.retire(maxWindow);
    if (this.baseline.included < this.options.minBaseline) return { best: null, full: null };
    const location = robustLocation(this.baseline.channel(0));
    // A silent baseline still has some rate: one message per horizon.
    const rate = Math.max(location.center / smoothing, 1 / this.options.horizon);
    const spread = location.upper / smoothing;
    const overdispersion = Math.max(0, spread * spread - rate / smoothing);
    const independent = Math.max(1, this.baseline.included / smoothing);
    const rateVar = ((Math.PI / 2) * spread * spread) / independent;
    const zOf = (ticks: number, n: number) => (n - ticks * rate) / Math.sqrt(ticks * rate + ticks * ticks * (overdispersion + rateVar));
    const { best } = this.scan.run(this.recent, (ticks, n) => (n < minRatio * ticks * rate ? NaN : zOf(ticks, n)));
    const reading = (ticks: number, n: number): VolumeReading => ({ z: zOf(ticks, n), rate: n / ticks, ticks, count: n, center: rate, spread });
    let n = 0;
    for (let a = 0; a < maxWindow; a++) n += this.recent.weight(a);
    return { best: best && best.z > 0 ? reading(best.ticks, best.weight) : null, full: reading(maxWindow, n) };
  }

  flagNewest(ticks: number): void {
    this.recent.flagNewest(ticks);
  }

  reset(): void {
    this.recent.clear();
    this.baseline.clear();
  }

  /** The baseline sample of the tick at `age`: the count of the `smoothing` ticks ending there. */
  private retire(age: number): void {
    let count = 0;
    for (let a = age; a < age + this.options.smoothing; a++) count += this.recent.weight(a);
    // A count that includes a flagged tick carries the spike too: it is held out with it.
    this.baseline.push([count], this.recent.flagged(age, this.options.smoothing));
  }
}

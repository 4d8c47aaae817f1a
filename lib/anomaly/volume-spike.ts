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
 *
 * A drop does not alert, but it is kept out of the baseline while it is in the horizon: an
 * outage of some minutes would otherwise become the level that the return of the usual traffic
 * is judged against, and the recovery would be reported as a spike ("rose from 0.0 to 4.3
 * msgs/s"). Drops are judged against the last established baseline rate even once they have
 * drained the baseline; only a drop that lasts two horizons becomes the new level (the signal
 * then tests nothing until it has filled `minBaseline` samples, as at a cold start).
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
  /** The baseline's count per sample while it was established, and how many drop samples came since. */
  private usual: number | null = null;
  private dropRun = 0;

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
    this.usual = null;
    this.dropRun = 0;
  }

  /** The baseline sample of the tick at `age`: the count of the `smoothing` ticks ending there. */
  private retire(age: number): void {
    let count = 0;
    for (let a = age; a < age + this.options.smoothing; a++) count += this.recent.weight(a);
    if (this.baseline.included >= this.options.minBaseline) this.usual = this.baseline.channel(0).median();
    const drop = this.isDrop(count);
    this.dropRun = drop ? this.dropRun + 1 : 0;
    if (this.dropRun > 2 * this.options.horizon) this.usual = null;
    // A count that includes a flagged tick carries the spike too: it is held out with it.
    this.baseline.push([count], drop || this.recent.flagged(age, this.options.smoothing), drop);
  }

  /**
   * A 30-s count far below the baseline's (under 1/`minRatio` of it, and more than 3 Poisson
   * standard deviations): a quiet spell of a low-volume stream is not a drop.
   */
  private isDrop(count: number): boolean {
    const center = this.usual;
    if (center === null || center <= 0) return false;
    return count < center / this.options.minRatio && (count - center) / Math.sqrt(center) < -3;
  }
}

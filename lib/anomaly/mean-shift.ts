/**
 * The mean-shift signal: is the mean of the newest ticks (a stream's message scores, or a
 * plain series' values) away from its baseline by more than noise explains?
 *
 *   z = (mean of the window − baseline centre) / √(τ² + σ²/n + var(centre))
 *
 * (the spread behind τ² and var(centre) is the baseline's spread on the side the window
 * deviates to, see robustLocation).
 *
 * σ² is the noise of one unit (one message, or one row), so σ²/n is the standard error of a
 * window that holds n of them: the same shift is weaker evidence on 20 messages than on 2,000,
 * and a low-volume wobble stays below the threshold by construction. τ² is the part of the
 * baseline's spread that sampling does not explain (the level genuinely wanders), which no
 * amount of volume averages away. var(centre) is the uncertainty of the baseline itself.
 *
 * σ² comes from successive differences, d = m_t − m_{t−1}, with E[d²] = σ²(1/n_t + 1/n_{t−1}):
 * a level shift spoils one difference and not the estimate, unlike deviations from the centre.
 */
import { RobustBaseline, robustLocation } from './baseline.ts';
import { RecentTicks } from './recent.ts';
import { WindowScan, type WindowResult } from './scan.ts';

/** Median of χ²(1): turns the median of squared normal deviations into their variance. */
const chi2Median = 0.454936423119572;

export interface MeanShiftOptions {
  /** Baseline horizon in ticks (it starts where the longest window ends). */
  horizon: number;
  /** Longest window tested, in ticks; windows of every length from 1 tick up are tested. */
  maxWindow: number;
  /** Ticks averaged into one baseline level sample (30 for the 30-s moving average, 1 for rows). */
  smoothing: number;
  /** Windows holding less weight (messages) are not tested. */
  minWeight: number;
  /** Included level samples the baseline needs before anything is tested. */
  minBaseline: number;
  /** Ticks a sample of a deviation stays out of the baseline (see baseline.ts). */
  quarantine: number;
  /**
   * How σ² is taken from the squared differences: `mean` is unbiased whatever the units'
   * distribution (right for message scores, bounded in [−1, 1], where no second can dominate);
   * `median` resists outliers but assumes normal noise (right for unbounded plain values).
   */
  noise: 'mean' | 'median';
  /** Values lie in [−1, 1] (sentiment scores): σ² is then at most 1 − μ² (Bhatia–Davis). */
  bounded: boolean;
}

export interface MeanShiftReading {
  z: number;
  /** Mean of the window and its extent. */
  mean: number;
  ticks: number;
  weight: number;
  center: number;
  /** Robust spread of the baseline's level samples. */
  spread: number;
}

export interface MeanShiftResult {
  /** The most deviating persistent window (null: nothing testable). */
  best: MeanShiftReading | null;
  /** The longest window, deviating or not: the state of the signal to report at a resolve. */
  full: MeanShiftReading | null;
}

const Level = 0;
const Noise = 1;
const Weight = 2;

export class MeanShiftSignal {
  private readonly recent: RecentTicks;
  private readonly baseline: RobustBaseline;
  private readonly scan: WindowScan;

  constructor(private readonly options: MeanShiftOptions) {
    this.recent = new RecentTicks(options.maxWindow + Math.max(2, options.smoothing));
    this.baseline = new RobustBaseline(options.horizon, 3, options.quarantine);
    this.scan = new WindowScan({ minWindow: 1, maxWindow: options.maxWindow, minWeight: options.minWeight });
  }

  /** Adds one tick and tests the windows ending at it; nulls while the baseline is too short. */
  observe(weight: number, sum: number): MeanShiftResult {
    this.recent.push(weight, sum);
    if (this.recent.size > this.options.maxWindow) this.retire(this.options.maxWindow);
    const { center, upper, lower } = robustLocation(this.baseline.channel(Level));
    if (this.baseline.included < this.options.minBaseline || !Number.isFinite(center)) return { best: null, full: null };
    const up = this.noiseModel(center, upper);
    const down = this.noiseModel(center, lower);
    const { best, full } = this.scan.run(this.recent, (_ticks, w, s) => {
      const d = s / w - center;
      const m = d >= 0 ? up : down;
      return d / Math.sqrt(m.fixed + m.sigma2 / w);
    });
    const reading = (r: WindowResult | null): MeanShiftReading | null =>
      r && { z: r.z, mean: r.sum / r.weight, ticks: r.ticks, weight: r.weight, center, spread: r.z >= 0 ? upper : lower };
    return { best: reading(best), full: reading(full) };
  }

  /** The newest `ticks` ticks belong to a deviation: keep them out of the baseline. */
  flagNewest(ticks: number): void {
    this.recent.flagNewest(ticks);
  }

  reset(): void {
    this.recent.clear();
    this.baseline.clear();
  }

  /** Variance parts of a window mean: fixed = τ² + var(centre), plus σ² per unit of weight. */
  private noiseModel(center: number, spread: number): { fixed: number; sigma2: number } {
    const noise = this.baseline.channel(Noise);
    const meanWeight = this.baseline.channel(Weight).mean();
    // Without any pair of non-empty neighbouring ticks, all of the spread is taken as noise.
    let sigma2 =
      noise.size === 0 ? spread * spread * meanWeight : this.options.noise === 'mean' ? noise.mean() : noise.median() / chi2Median;
    if (this.options.bounded) sigma2 = Math.min(sigma2, Math.max(0, 1 - center * center));
    const tau2 = Math.max(0, spread * spread - sigma2 / meanWeight);
    // The median of m level samples, of which about m/smoothing are independent.
    const independent = Math.max(1, this.baseline.included / this.options.smoothing);
    const centerVar = ((Math.PI / 2) * spread * spread) / independent;
    // A perfectly flat baseline has no spread at all; any change then is infinitely unlikely,
    // which a tiny floor turns into a large, finite z.
    const floor = (1e-9 * Math.max(1, Math.abs(center))) ** 2;
    return { fixed: Math.max(tau2 + centerVar, floor), sigma2 };
  }

  /** Moves the tick at `age` (just out of every window) into the baseline. */
  private retire(age: number): void {
    const r = this.recent;
    let weight = 0;
    let sum = 0;
    const span = Math.min(this.options.smoothing, r.size - age);
    for (let a = age; a < age + span; a++) {
      weight += r.weight(a);
      sum += r.sum(a);
    }
    const level = weight > 0 ? sum / weight : NaN;
    let noise = NaN;
    if (r.size > age + 1) {
      const n1 = r.weight(age);
      const n0 = r.weight(age + 1);
      if (n1 > 0 && n0 > 0) {
        const d = r.sum(age) / n1 - r.sum(age + 1) / n0;
        noise = (d * d) / (1 / n1 + 1 / n0);
      }
    }
    // A level averaged over a flagged tick carries the deviation too: it is held out with it.
    this.baseline.push([level, noise, weight > 0 ? weight : NaN], r.flagged(age, span));
  }
}

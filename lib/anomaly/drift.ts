/**
 * The drift signal: has the sentiment of the last minutes slid away from where it stood over
 * the hour before them? The mean-shift signal (mean-shift.ts) compares 1–30 s windows with a
 * ~10-minute baseline, so a change slower than that baseline is absorbed into it and never
 * stands out; this one works a level up, on per-bucket (per-minute) mean scores:
 *
 *   z = (median of the last `window` bucket means − median of the `reference` buckets before them)
 *       / √(τ² + (π/2)·σ²/N + (π/2)·s²/M)
 *
 * Medians on both sides: a storm of a minute or two moves one or two of the window's buckets,
 * not its median (the storm is the surge and mean-shift signals' to report), where a drift
 * moves them all. s is the reference's robust spread of bucket means (on the side the window
 * deviates to), M its buckets; σ² the noise of one message, from successive per-second
 * differences as in mean-shift.ts, and N the window's messages, so the same slide is weaker
 * evidence at 2 msgs/s than at 50 (volume-aware). τ² is the part of s that sampling does not
 * explain (the level wanders by itself), counted whole: a wander that lasts minutes is not
 * averaged away by the window's median.
 *
 * Buckets are aligned to the clock (epoch ticks), so a restarted detector fed the same history
 * cuts the same buckets and raises the same episode. The reading changes once per bucket.
 *
 * Cold start: nothing is tested until `window + reference` buckets of the stream's history have
 * passed (70 minutes by default): a new stream gets no drift alert before its reference hour
 * has filled. Buckets of a window leaning away (|z| ≥ `holdOutZ`) are held out of the reference
 * for `quarantine` buckets, as baseline.ts does for the other signals, so a slide does not
 * become its own yardstick at once, while one that lasts becomes the new level.
 */
import { bulkSpread, RobustBaseline } from './baseline.ts';

export interface DriftOptions {
  /** Ticks per bucket (60: per-minute means). */
  bucket: number;
  /** Buckets in the recent window, and in the reference horizon before it. */
  window: number;
  reference: number;
  /** Messages the window needs before it is tested. */
  minWeight: number;
  /** Buckets a flagged bucket stays out of the reference. */
  quarantine: number;
  /**
   * |z| from which the window's buckets are held out of the reference (the detector's resolve
   * level). Lower than the alert threshold, and before any alert: a slide leans for many minutes
   * before it is raised, and its early buckets would otherwise widen the reference's spread and
   * drag its median along until the slide could never stand out of it.
   */
  holdOutZ: number;
}

export interface DriftReading {
  z: number;
  /** Median of the window's bucket means, and the window's extent in ticks (ending `age` ticks ago). */
  level: number;
  ticks: number;
  age: number;
  /** Messages in the window. */
  weight: number;
  /** The reference: median and robust spread (on the window's side) of its bucket means. */
  center: number;
  spread: number;
}

const Level = 0;
const Noise = 1;
const Weight = 2;

/** A bucket being filled or in the window. */
interface Bucket {
  weight: number;
  sum: number;
  /** Sum of the per-second noise terms, and how many there are. */
  noise: number;
  pairs: number;
  flagged: boolean;
}

const emptyBucket = (): Bucket => ({ weight: 0, sum: 0, noise: 0, pairs: 0, flagged: false });

export class DriftSignal {
  private readonly reference: RobustBaseline;
  /** Complete buckets of the window, oldest first. */
  private readonly recent: Bucket[] = [];
  private current = emptyBucket();
  /** Complete buckets seen since the start (for the cold start). */
  private completed = 0;
  /** The previous tick's messages and mean (for the noise of one message). */
  private previous = { weight: 0, mean: 0 };
  /** The last complete window's reading, and the ticks since that window ended. */
  private reading: DriftReading | null = null;
  private age = 0;

  constructor(private readonly options: DriftOptions) {
    this.reference = new RobustBaseline(options.reference, 3, options.quarantine);
  }

  /** Ticks of history needed before anything is tested (the backfill's length). */
  static historyTicks(options: Pick<DriftOptions, 'bucket' | 'window' | 'reference'>): number {
    // One more bucket: the stream's first one is usually partial.
    return (options.window + options.reference + 1) * options.bucket;
  }

  /** Adds tick `tick` (epoch seconds); the reading is the last complete window's, null before the reference fills. */
  observe(tick: number, weight: number, sum: number): DriftReading | null {
    const b = this.current;
    if (weight > 0 && this.previous.weight > 0) {
      const d = sum / weight - this.previous.mean;
      b.noise += (d * d) / (1 / weight + 1 / this.previous.weight);
      b.pairs++;
    }
    this.previous = { weight, mean: weight > 0 ? sum / weight : 0 };
    b.weight += weight;
    b.sum += sum;
    if ((tick + 1) % this.options.bucket === 0) this.complete();
    else this.age++;
    return this.reading && { ...this.reading, age: this.age };
  }

  /** The window's buckets (and the one filling) belong to a deviation: keep them out of the reference. */
  private flagWindow(): void {
    for (const b of this.recent) b.flagged = true;
    this.current.flagged = true;
  }

  reset(): void {
    this.reference.clear();
    this.recent.length = 0;
    this.current = emptyBucket();
    this.completed = this.age = 0;
    this.previous = { weight: 0, mean: 0 };
    this.reading = null;
  }

  private complete(): void {
    this.recent.push(this.current);
    this.current = emptyBucket();
    this.completed++;
    this.age = 0;
    if (this.recent.length > this.options.window) {
      const out = this.recent.shift()!;
      const level = out.weight > 0 ? out.sum / out.weight : NaN;
      this.reference.push([level, out.pairs > 0 ? out.noise / out.pairs : NaN, out.weight > 0 ? out.weight : NaN], out.flagged);
    }
    this.reading = this.completed > this.options.window + this.options.reference ? this.test() : null;
  }

  private test(): DriftReading | null {
    const levels: number[] = [];
    let weight = 0;
    for (const b of this.recent) {
      weight += b.weight;
      if (b.weight > 0) levels.push(b.sum / b.weight);
    }
    const reference = this.reference.channel(Level);
    const m = reference.size;
    // Half the reference's buckets held out or silent: it no longer says where the level stands.
    if (weight < this.options.minWeight || !levels.length || m < this.options.reference / 2) return null;
    const center = reference.median();
    const level = median(levels);
    const spread = bulkSpread(reference, center);
    const noise = this.reference.channel(Noise);
    const perBucket = this.reference.channel(Weight).mean();
    // Without a pair of neighbouring non-empty seconds, all of the spread is taken as noise.
    // Scores lie in [−1, 1], so σ² is at most 1 − μ² (Bhatia–Davis).
    const sigma2 = Math.min(noise.size ? noise.mean() : spread * spread * perBucket, Math.max(0, 1 - center * center));
    // What sampling explains, with the spread estimate's own error (a MAD's s² from m values has a
    // relative standard error of about 2·√(1.36/m): 0.3 at 60): at low volume, where sampling is
    // most of the spread, the noise of the estimate must not pass for wander.
    const sampling = (sigma2 / perBucket) * (1 + 2 * madVarianceError(m));
    const tau2 = Math.max(0, spread * spread - sampling);
    const variance = tau2 + ((Math.PI / 2) * sigma2) / weight + ((Math.PI / 2) * spread * spread) / m;
    // A perfectly flat reference: any change is a large, finite z (as in mean-shift.ts).
    const z = (level - center) / Math.sqrt(Math.max(variance, (1e-9 * Math.max(1, Math.abs(center))) ** 2));
    if (Math.abs(z) >= this.options.holdOutZ) this.flagWindow();
    return { z, level, ticks: this.options.window * this.options.bucket, age: 0, weight, center, spread };
  }
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** Relative standard error of a variance estimated as the square of a scaled MAD of `m` normal values. */
function madVarianceError(m: number): number {
  // The MAD's asymptotic efficiency is 0.3675: Var(σ̂)/σ² ≈ 1.36/m, and s² doubles the relative error.
  return 2 * Math.sqrt(1.36 / m);
}

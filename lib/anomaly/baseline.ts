/**
 * The baseline of a signal: its last `capacity` samples (one per tick, each with a few
 * channels), with the samples that were part of a deviation held out for a while, so that a
 * past spike neither moves the centre nor widens the spread that the next deviation is
 * measured against.
 *
 * Held out for `quarantine` ticks, not for good: a deviation that keeps coming back is part of
 * the normal range, and one that lasts is the new level. Once the released samples of a lasting
 * shift outnumber the older ones (after (capacity + quarantine) / 2 ticks), the median moves
 * to the new level and the open alert resolves.
 */
import { SortedWindow } from './sorted-window.ts';

/** 1/Φ⁻¹(3/4): scales a median absolute deviation to a standard deviation under normality. */
const madToSd = 1.482602218505602;
/** √(π/2): scales a mean absolute deviation to a standard deviation under normality. */
const meanAbsToSd = 1.2533141373155001;
/** Tail quantile of the spread estimate, and Φ⁻¹(0.99), which turns it into a standard deviation. */
const tail = 0.01;
const tailToSd = 2.3263478740408408;

export class RobustBaseline {
  private readonly rings: Float64Array[];
  private readonly flags: Uint8Array;
  private readonly windows: SortedWindow[];
  private next = 0;
  private filled = 0;
  private flaggedCount = 0;

  constructor(
    readonly capacity: number,
    channels: number,
    readonly quarantine: number,
  ) {
    this.rings = Array.from({ length: channels }, () => new Float64Array(capacity));
    this.windows = Array.from({ length: channels }, () => new SortedWindow(capacity));
    this.flags = new Uint8Array(capacity);
  }

  /** Samples in the horizon that count (not held out). */
  get included(): number {
    return this.filled - this.flaggedCount;
  }

  /** The included values of one channel, in order (NaN values are never stored). */
  channel(i: number): SortedWindow {
    return this.windows[i]!;
  }

  /**
   * Adds one tick's sample (NaN = no value on that channel) and evicts the oldest. A flagged
   * sample is held out for `quarantine` ticks, or, with `untilEvicted`, for as long as it is in
   * the horizon (see VolumeSignal: an outage must not become the level its end is judged against).
   */
  push(values: readonly number[], flagged: boolean, untilEvicted = false): void {
    const slot = this.next;
    if (this.filled === this.capacity) {
      if (this.flags[slot]) this.flaggedCount--;
      else this.forEachChannel(slot, (w, x) => w.remove(x));
    } else {
      this.filled++;
    }
    for (let c = 0; c < this.rings.length; c++) this.rings[c]![slot] = values[c] ?? NaN;
    this.flags[slot] = flagged ? (untilEvicted ? 2 : 1) : 0;
    if (flagged) this.flaggedCount++;
    else this.forEachChannel(slot, (w, x) => w.insert(x));
    this.next = (slot + 1) % this.capacity;
    this.release((slot - this.quarantine + this.capacity) % this.capacity);
  }

  clear(): void {
    this.next = this.filled = this.flaggedCount = 0;
    this.flags.fill(0);
    for (const w of this.windows) w.clear();
  }

  /** Ends the quarantine of the sample in `slot` (pushed `quarantine` ticks ago). */
  private release(slot: number): void {
    if (this.quarantine >= this.filled || this.flags[slot] !== 1) return;
    this.flags[slot] = 0;
    this.flaggedCount--;
    this.forEachChannel(slot, (w, x) => w.insert(x));
  }

  private forEachChannel(slot: number, fn: (w: SortedWindow, x: number) => void): void {
    for (let c = 0; c < this.rings.length; c++) {
      const x = this.rings[c]![slot]!;
      if (!Number.isNaN(x)) fn(this.windows[c]!, x);
    }
  }
}

export interface Location {
  center: number;
  /** Robust standard deviations above and below the centre (0 only when every value is equal). */
  upper: number;
  lower: number;
}

/**
 * Median, and a spread on each side of it: the scaled median absolute deviation, or what the
 * 1st and 99th percentiles imply if that is wider. The MAD alone describes only the bulk of
 * the values: a baseline with two levels (day and night, idle and busy) or occasional bursts
 * has a narrow MAD around its main mode, and every visit to the other mode would look like an
 * anomaly. The sides differ because many series are skewed (CPU load rests near 0 and spikes
 * up), where a drop is news long before a rise of the same size is.
 *
 * Quantised series (percentages, counts) often have more than half their values equal, which
 * makes the MAD 0 although the values vary: the scaled mean absolute deviation stands in then.
 */
export function robustLocation(values: SortedWindow): Location {
  const center = values.median();
  const spread = bulkSpread(values, center);
  const n = values.size;
  if (n === 0) return { center, upper: NaN, lower: NaN };
  const low = values.at(Math.floor(tail * (n - 1)));
  const high = values.at(Math.ceil((1 - tail) * (n - 1)));
  return { center, upper: Math.max(spread, (high - center) / tailToSd), lower: Math.max(spread, (center - low) / tailToSd) };
}

/**
 * The spread of the bulk of the values around `center`: the scaled MAD, or the scaled mean
 * absolute deviation when more than half the values are equal (see robustLocation).
 */
export function bulkSpread(values: SortedWindow, center: number): number {
  const mad = values.medianAbsDeviation(center);
  return mad > 0 ? mad * madToSd : values.meanAbsDeviation(center) * meanAbsToSd;
}

/**
 * The window scan: every window that ends at the newest tick, from `minWindow` to `maxWindow`
 * ticks long, is tested, and the most deviating one is kept. A fixed 30-s average needs most
 * of its 30 s to show a step; the best window is as long as the step is old, which is the
 * generalised likelihood-ratio test for a change of unknown size at an unknown time.
 *
 * A window only counts when the deviation is spread over it: its newer and its older half
 * must each carry at least half of the window's z, in the same direction (a step fills both
 * halves, each with about 0.7 of the window's z). Without that, one extreme tick would keep
 * every window that contains it deviating for `maxWindow` ticks, and the K-consecutive rule
 * could never tell a one-second burst from a shift; with it, K consecutive deviating ticks
 * mean a deviation that has lasted about K ticks.
 */
import type { RecentTicks } from './recent.ts';

export interface ScanOptions {
  minWindow: number;
  maxWindow: number;
  /** Windows with less weight (messages) than this are not tested at all. */
  minWeight: number;
}

export interface WindowResult {
  /** Signed z of the window. */
  z: number;
  ticks: number;
  weight: number;
  sum: number;
}

/** z of a window of `ticks` ticks holding `weight` and `sum`; NaN when it cannot be tested. */
export type WindowZ = (ticks: number, weight: number, sum: number) => number;

export interface ScanResult {
  /** The most deviating persistent window, if any window could be tested. */
  best: WindowResult | null;
  /** The longest window, deviating or not: what the signal looks like now. */
  full: WindowResult | null;
}

export class WindowScan {
  private readonly weights: Float64Array;
  private readonly sums: Float64Array;

  constructor(private readonly options: ScanOptions) {
    this.weights = new Float64Array(options.maxWindow + 1);
    this.sums = new Float64Array(options.maxWindow + 1);
  }

  run(recent: RecentTicks, zOf: WindowZ): ScanResult {
    const { minWindow, minWeight } = this.options;
    const maxWindow = Math.min(this.options.maxWindow, recent.size);
    const weights = this.weights;
    const sums = this.sums;
    for (let w = 1; w <= maxWindow; w++) {
      weights[w] = weights[w - 1]! + recent.weight(w - 1);
      sums[w] = sums[w - 1]! + recent.sum(w - 1);
    }
    /** The part of the window holds its share of the deviation (z of NaN never does). */
    const carries = (z: number, ticks: number, weight: number, sum: number) => {
      const part = weight > 0 ? zOf(ticks, weight, sum) : NaN;
      return Math.sign(part) === Math.sign(z) && Math.abs(part) * 2 >= Math.abs(z);
    };
    let best: WindowResult | null = null;
    for (let w = minWindow; w <= maxWindow; w++) {
      const weight = weights[w]!;
      if (weight < minWeight) continue;
      const z = zOf(w, weight, sums[w]!);
      if (!(Math.abs(z) > Math.abs(best?.z ?? 0))) continue;
      if (w > 1) {
        const h = w >> 1; // the newer half; the older one takes the middle tick of an odd window
        if (!carries(z, h, weights[h]!, sums[h]!) || !carries(z, w - h, weight - weights[h]!, sums[w]! - sums[h]!)) continue;
      }
      best = { z, ticks: w, weight, sum: sums[w]! };
    }
    const weight = weights[maxWindow]!;
    const fullZ = maxWindow >= minWindow && weight >= minWeight ? zOf(maxWindow, weight, sums[maxWindow]!) : NaN;
    const full = Number.isNaN(fullZ) ? null : { z: fullZ, ticks: maxWindow, weight, sum: sums[maxWindow]! };
    return { best, full };
  }
}

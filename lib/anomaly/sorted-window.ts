/**
 * A multiset of numbers kept in ascending order, for the order statistics of a baseline
 * (median, median absolute deviation) in O(n) per update instead of a sort per tick. A baseline
 * holds a few hundred values, so a binary search plus one `copyWithin` beats a tree here.
 */
export class SortedWindow {
  private values: Float64Array;
  private count = 0;
  private total = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** Arithmetic mean (NaN when empty). */
  mean(): number {
    return this.count ? this.total / this.count : NaN;
  }

  insert(x: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const at = this.lowerBound(x);
    this.values.copyWithin(at + 1, at, this.count);
    this.values[at] = x;
    this.count++;
    this.total += x;
  }

  /** Removes one occurrence of `x`; false if it is not there. */
  remove(x: number): boolean {
    const at = this.lowerBound(x);
    if (at >= this.count || this.values[at] !== x) return false;
    this.values.copyWithin(at, at + 1, this.count);
    this.count--;
    // Recomputed when empty so that rounding errors of long add/subtract runs never pile up.
    this.total = this.count ? this.total - x : 0;
    return true;
  }

  /** The k-th smallest value, 0-based. */
  at(k: number): number {
    return this.values[k]!;
  }

  median(): number {
    const n = this.count;
    if (!n) return NaN;
    const mid = n >> 1;
    return n % 2 ? this.values[mid]! : (this.values[mid - 1]! + this.values[mid]!) / 2;
  }

  /**
   * Median of |x − center|. The deviations are read in ascending order by walking outwards
   * from `center` with two pointers, so this costs n/2 steps and no allocation.
   */
  medianAbsDeviation(center: number): number {
    const n = this.count;
    if (!n) return NaN;
    const v = this.values;
    let hi = this.lowerBound(center);
    let lo = hi - 1;
    const target = n >> 1; // 0-based rank of the upper middle deviation
    let prev = 0;
    let current = 0;
    for (let k = 0; k <= target; k++) {
      const dLo = lo >= 0 ? center - v[lo]! : Infinity;
      const dHi = hi < n ? v[hi]! - center : Infinity;
      prev = current;
      if (dLo <= dHi) {
        current = dLo;
        lo--;
      } else {
        current = dHi;
        hi++;
      }
    }
    return n % 2 ? current : (prev + current) / 2;
  }

  /** Mean of |x − center| (the fallback spread when more than half the values are equal). */
  meanAbsDeviation(center: number): number {
    if (!this.count) return NaN;
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += Math.abs(this.values[i]! - center);
    return sum / this.count;
  }

  clear(): void {
    this.count = 0;
    this.total = 0;
  }

  /** First index whose value is ≥ x. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

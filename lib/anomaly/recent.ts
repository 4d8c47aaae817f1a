/**
 * The newest ticks of a signal (weight and sum per tick, e.g. messages and their summed
 * score), read from the newest backwards. The detector's windows live here; a tick moves on to
 * the baseline only once no window can contain it any more, so the baseline never overlaps
 * the window it is compared with.
 */
export class RecentTicks {
  private readonly weights: Float64Array;
  private readonly sums: Float64Array;
  private readonly flags: Uint8Array;
  private newest = -1;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.weights = new Float64Array(capacity);
    this.sums = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  push(weight: number, sum: number): void {
    this.newest = (this.newest + 1) % this.capacity;
    this.weights[this.newest] = weight;
    this.sums[this.newest] = sum;
    this.flags[this.newest] = 0;
    if (this.filled < this.capacity) this.filled++;
  }

  /** `age` 0 is the newest tick. */
  weight(age: number): number {
    return this.weights[this.slot(age)]!;
  }

  sum(age: number): number {
    return this.sums[this.slot(age)]!;
  }

  /** Whether any of the `span` ticks from `age` back is flagged. */
  flagged(age: number, span = 1): boolean {
    for (let a = age; a < Math.min(age + span, this.filled); a++) if (this.flags[this.slot(a)] === 1) return true;
    return false;
  }

  /** Marks the newest `ticks` ticks as part of a deviation (they will not enter the baseline). */
  flagNewest(ticks: number): void {
    for (let age = 0; age < Math.min(ticks, this.filled); age++) this.flags[this.slot(age)] = 1;
  }

  clear(): void {
    this.newest = -1;
    this.filled = 0;
  }

  private slot(age: number): number {
    return (this.newest - age + this.capacity) % this.capacity;
  }
}

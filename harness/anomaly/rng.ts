/**
 * A small seeded random source (mulberry32) for synthetic streams in tests and benchmarks:
 * the same seed gives the same stream on every machine, so a figure can be reproduced.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * Poisson(λ) by Knuth's product of uniforms, in pieces of λ ≤ 500 so that e^−λ never
   * underflows; the sum of independent Poisson draws is Poisson with the summed rate.
   */
  poisson(lambda: number): number {
    let k = 0;
    for (let rest = lambda; rest > 0; rest -= 500) {
      const limit = Math.exp(-Math.min(rest, 500));
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
    }
    return k;
  }
}

/**
 * The scaling rule of the classify stage, as a pure function of lag readings over time (no
 * timers, no I/O: lib/classify/scaler.ts feeds it and applies its steps). Up: the lag stayed
 * above `lagThreshold` for `upAfterMs` → one more member. Down: it stayed at or under it for
 * `cooldownMs` → one fewer (the seed system's rule, and KEDA's: a stabilisation window on the
 * same threshold). The long cool-down against the short up-delay is what keeps the set from
 * flapping: a step down that was one too many costs one up-delay, not a cycle per reading. A
 * lower water mark would keep the members of a burst for good, because the lag of a steady
 * stream (what is in flight: a batch wait's worth of records, and the batches being written)
 * can sit near half the threshold.
 *
 * One member per step, both ways: the lag says how far behind the group is, not how much one
 * more member would take off it, so each step is given the up-delay (or the cool-down) to show
 * its effect before the next one. A failed reading is never a reason to step: it breaks the
 * running period, and the next step waits for a whole new one.
 */
import type { ScaleConfig } from '../config.ts';
import type { LagReading } from './lag.ts';

export interface ScaleBounds {
  min: number;
  max: number;
}

export interface ScaleStep {
  direction: 'up' | 'down';
  from: number;
  to: number;
  /** Why, in words: "lag 4,210 > 1,000 for 2.0 s". */
  reason: string;
}

const count = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class ScalePolicy {
  /** Since when the lag has been above the threshold (or since the last step up), unbroken. */
  private aboveSince: number | undefined;
  /** Since when it has been at or under the threshold (or since the last step down), unbroken. */
  private lowSince: number | undefined;

  constructor(
    private readonly config: ScaleConfig,
    private readonly bounds: ScaleBounds,
  ) {
    if (!(Number.isInteger(bounds.min) && bounds.min >= 0 && Number.isInteger(bounds.max) && bounds.max >= bounds.min)) {
      throw new RangeError(`scale bounds must be integers with 0 ≤ min ≤ max (got min ${bounds.min}, max ${bounds.max})`);
    }
  }

  /**
   * Takes the next reading (readings come in time order, `at` being their clock) with the
   * number of members there are now; answers the step to take, if any. After a step the
   * caller is expected to take it: the next one in the same direction waits a whole period.
   */
  observe(reading: LagReading, members: number): ScaleStep | null {
    if (!reading.ok) {
      this.aboveSince = this.lowSince = undefined;
      return null;
    }
    const { lag, at } = reading;
    if (lag > this.config.lagThreshold) {
      this.lowSince = undefined;
      this.aboveSince ??= at;
      const held = at - this.aboveSince;
      if (held < this.config.upAfterMs || members >= this.bounds.max) return null;
      this.aboveSince = at;
      return { direction: 'up', from: members, to: members + 1, reason: `lag ${count(lag)} > ${count(this.config.lagThreshold)} for ${seconds(held)}` };
    }
    this.aboveSince = undefined;
    this.lowSince ??= at;
    const held = at - this.lowSince;
    if (held < this.config.cooldownMs || members <= this.bounds.min) return null;
    this.lowSince = at;
    return { direction: 'down', from: members, to: members - 1, reason: `lag ${count(lag)} ≤ ${count(this.config.lagThreshold)} for ${seconds(held)}` };
  }
}

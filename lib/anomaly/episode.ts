/**
 * When a signal's z-scores become an alert, and when the alert ends: the decision logic that
 * the deployed detector and the offline CLI share.
 *
 * - raise: |z| ≥ threshold on K consecutive ticks in one direction, so that a single noisy
 *   tick never alerts;
 * - de-duplication: while an alert is open nothing else is raised for the signal; it may be
 *   escalated when |z| reaches a higher severity;
 * - resolve, with hysteresis: |z| below `resolveZ` (lower than the threshold) for
 *   `resolveTicks` ticks in a row, so a value hovering at the threshold does not flap, and,
 *   with a hold, no tick at the threshold for `holdTicks` since the last one;
 * - cooldown: after a resolve, the same direction is not raised again for `cooldownTicks`;
 *   the deviation is still tracked and raised when the cooldown ends if it is still there.
 *   With `breakthrough` set, evidence that strong is raised at once even while cooling down:
 *   the cooldown keeps a wobble from coming back as alert after alert, not a second incident
 *   (a second storm minutes after the first) from being reported.
 */
import type { Severity } from '../alerts/alert.ts';

export type Direction = 'negative' | 'positive';

export interface EpisodeRules {
  threshold: number;
  consecutive: number;
  resolveZ: number;
  resolveTicks: number;
  cooldownTicks: number;
  warning: number;
  critical: number;
  /**
   * The resolve hold: besides the hysteresis, no tick at the threshold in the alert's direction
   * for this many ticks (absent: 0), so an alert does not vanish while people look at it.
   */
  holdTicks?: number;
  /** Evidence from which a raise ignores the cooldown (absent: the cooldown always holds). */
  breakthrough?: number;
}

export type EpisodeEvent =
  | { type: 'raise'; direction: Direction; severity: Severity; openedTick: number }
  | { type: 'escalate'; direction: Direction; severity: Severity; openedTick: number }
  | { type: 'resolve'; direction: Direction; severity: Severity; openedTick: number };

export interface EpisodeStep {
  event: EpisodeEvent | null;
  /**
   * The tick deviates (|z| ≥ threshold, or ≥ resolveZ in the direction of the open alert):
   * the caller keeps its window out of the baseline.
   */
  deviating: boolean;
  /**
   * Evidence for raising a new alert at this tick: the smallest |z| of the last K ticks when
   * they all point the same way, 0 while an alert is open or the direction cools down. It
   * reaches the threshold exactly when a raise is due, so it is the alert decision before
   * the threshold is applied.
   */
  evidence: number;
  /** The tick's |z| reached `threshold` and a raise was due, but the direction was cooling down. */
  suppressed: boolean;
}

export function severityOf(absZ: number, rules: Pick<EpisodeRules, 'warning' | 'critical'>): Severity {
  return absZ >= rules.critical ? 'critical' : absZ >= rules.warning ? 'warning' : 'info';
}

interface Open {
  direction: Direction;
  openedTick: number;
  severity: Severity;
  calm: number;
  /** The hysteresis is met (`resolveTicks` calm ticks): only a tick at the threshold re-opens it. */
  back: boolean;
  /** The last tick at the threshold in the alert's direction. */
  lastDeviation: number;
}

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export class AlertEpisodes {
  /** Signed z of the last K ticks (NaN: nothing testable), oldest first. */
  private readonly lastZ: Float64Array;
  private open: Open | null = null;
  private readonly resolvedAt: Record<Direction, number> = { negative: -Infinity, positive: -Infinity };

  constructor(private readonly rules: EpisodeRules) {
    this.lastZ = new Float64Array(rules.consecutive).fill(NaN);
  }

  get openAlert(): Readonly<Open> | null {
    return this.open;
  }

  /** One tick: its z (null when nothing could be tested, e.g. too few messages). */
  step(tick: number, z: number | null): EpisodeStep {
    const r = this.rules;
    this.lastZ.copyWithin(0, 1);
    this.lastZ[r.consecutive - 1] = z ?? NaN;
    const absZ = z === null ? 0 : Math.abs(z);
    const direction: Direction = (z ?? 0) < 0 ? 'negative' : 'positive';

    if (this.open) {
      const open = this.open;
      const sameWay = z !== null && direction === open.direction;
      if (sameWay && absZ >= r.threshold) open.lastDeviation = tick;
      // Once back, the best of 30 windows brushing resolveZ is noise; only a real deviation counts.
      const holding = sameWay && absZ >= (open.back ? r.threshold : r.resolveZ);
      if (holding) {
        open.calm = 0;
        open.back = false;
        const severity = severityOf(absZ, r);
        if (rank[severity] > rank[open.severity]) {
          open.severity = severity;
          return { event: { type: 'escalate', direction, severity, openedTick: open.openedTick }, deviating: true, evidence: 0, suppressed: false };
        }
        return { event: null, deviating: true, evidence: 0, suppressed: false };
      }
      if (++open.calm >= r.resolveTicks) open.back = true;
      if (!open.back || tick - open.lastDeviation < (r.holdTicks ?? 0)) return { event: null, deviating: absZ >= r.threshold, evidence: 0, suppressed: false };
      this.open = null;
      this.resolvedAt[open.direction] = tick;
      return {
        event: { type: 'resolve', direction: open.direction, severity: open.severity, openedTick: open.openedTick },
        deviating: absZ >= r.threshold,
        evidence: 0,
        suppressed: false,
      };
    }

    const evidence = this.confirmed();
    const cooling = tick - this.resolvedAt[direction] <= r.cooldownTicks && !(r.breakthrough !== undefined && evidence >= r.breakthrough);
    if (evidence < r.threshold) return { event: null, deviating: absZ >= r.threshold, evidence: cooling ? 0 : evidence, suppressed: false };
    if (cooling) return { event: null, deviating: true, evidence: 0, suppressed: true };
    const severity = severityOf(absZ, r);
    this.open = { direction, openedTick: tick, severity, calm: 0, back: false, lastDeviation: tick };
    return { event: { type: 'raise', direction, severity, openedTick: tick }, deviating: true, evidence, suppressed: false };
  }

  /** min |z| over the last K ticks if they all exist and share a sign, else 0. */
  private confirmed(): number {
    let min = Infinity;
    let sign = 0;
    for (const z of this.lastZ) {
      if (Number.isNaN(z) || z === 0) return 0;
      if (sign === 0) sign = Math.sign(z);
      else if (Math.sign(z) !== sign) return 0;
      min = Math.min(min, Math.abs(z));
    }
    return min;
  }
}

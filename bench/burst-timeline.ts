/**
 * The burst bench's per-second timeline and what it reads off it: the scale steps (changes of
 * the members gauge), how long the first scale-up took after the lag passed the threshold,
 * when the lag came back under it, and whether capacity was removed again. Pure functions of
 * the rows, so the figures follow from what was sampled and nothing else.
 */
import type { ServerSample } from './server-sampler.ts';

/** One second of the run: `t` in seconds since the load started; `rejected503`: 503 answers so far. */
export interface TimelineRow extends ServerSample {
  t: number;
  rejected503: number;
}

export interface ScaleStep {
  atS: number;
  from: number;
  to: number;
}

/** Every change of the members gauge, against the last row that had one. */
export function scaleSteps(rows: readonly TimelineRow[]): ScaleStep[] {
  const steps: ScaleStep[] = [];
  let last: number | null = null;
  for (const row of rows) {
    if (row.members === null) continue;
    if (last !== null && row.members !== last) steps.push({ atS: row.t, from: last, to: row.members });
    last = row.members;
  }
  return steps;
}

/** From the first row whose lag is above `threshold` to the first scale-up at or after it; null: none. */
export function scaleUpDelay(rows: readonly TimelineRow[], steps: readonly ScaleStep[], threshold: number): number | null {
  const over = rows.find((r) => r.lag !== null && r.lag > threshold);
  const up = over && steps.find((s) => s.to > s.from && s.atS >= over.t);
  return up ? up.atS - over.t : null;
}

/** The first row at or after `afterS` whose lag is under `threshold`; null: none yet (or no lag exported). */
export function lagBelowAt(rows: readonly TimelineRow[], threshold: number, afterS: number): number | null {
  return rows.find((r) => r.t >= afterS && r.lag !== null && r.lag < threshold)?.t ?? null;
}

/**
 * When capacity was first removed at or after `afterS`: a step down of the gauge, or a rise of
 * the down-events counter (which also catches a member added and removed between two samples).
 */
export function scaleDownAt(rows: readonly TimelineRow[], steps: readonly ScaleStep[], afterS: number): number | null {
  const byGauge = steps.find((s) => s.to < s.from && s.atS >= afterS)?.atS;
  const baseline = rows.findLast((r) => r.t <= afterS && r.scaleDowns !== null)?.scaleDowns ?? 0;
  const byCounter = rows.find((r) => r.t >= afterS && r.scaleDowns !== null && r.scaleDowns > baseline)?.t;
  const seen = [byGauge, byCounter].filter((t): t is number => t !== undefined);
  return seen.length ? Math.min(...seen) : null;
}

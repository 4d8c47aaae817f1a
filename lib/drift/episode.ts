/**
 * When a stream's drift became an alert's worth: the readings must have stayed over the
 * threshold for the hold time, one after another. A missing check (the detector was down) or
 * a window too thin to judge breaks the run, so an alert always rests on readings that each
 * saw the difference.
 */
import type { DriftState } from '../contracts/model-drift.ts';

export interface TimedState {
  /** ISO time of the reading. */
  at: string;
  state: DriftState;
}

/** Checks may run late by this much before two readings no longer count as consecutive. */
const lateChecks = 2.5;

/** The time (ms) of the first reading of the latest unbroken run of `drifting` readings; null when the latest reading is not one. */
export function driftingSince(readings: readonly TimedState[], checkMs: number): number | null {
  let since: number | null = null;
  let next: number | null = null;
  for (let i = readings.length - 1; i >= 0; i--) {
    const r = readings[i]!;
    const at = Date.parse(r.at);
    if (r.state !== 'drifting' || (next !== null && next - at > lateChecks * checkMs)) break;
    since = at;
    next = at;
  }
  return since;
}

/**
 * Feeding a detector a run of stored seconds: the one path by which both the deployed loop
 * (lib/detect/loop.ts) and a stream's backtest (lib/streams/preview.ts) turn per-second
 * aggregates into decisions, so the two agree on the same data.
 */
import type { Decision, SecondInput, StreamDetector } from './stream-detector.ts';

/** One stored second with messages: epoch ms, counts and summed score, as `sentiment_1s` holds it. */
export type StoredSecond = Extract<SecondInput, { scoreSum: number }> & { t: number };

/**
 * Feeds `seconds` (in time order, seconds with messages only) and then the silent
 * `lastSecond` when no message came in it: the quiet time since the last message counts too,
 * so an episode can end, and silent seconds in between are filled by the detector itself.
 */
export function replaySeconds(detector: StreamDetector, seconds: Iterable<StoredSecond>, lastSecond: number): Decision[] {
  const decisions: Decision[] = [];
  let last = -Infinity;
  for (const s of seconds) {
    decisions.push(...detector.observe(s));
    last = s.t;
  }
  if (last < lastSecond) decisions.push(...detector.observe({ t: lastSecond, count: 0, scoreSum: 0 }));
  return decisions;
}

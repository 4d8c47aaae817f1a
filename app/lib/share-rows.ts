/**
 * The comparison table's rows from a `/api/share` answer: each stream's share of voice (its
 * messages out of all the compared streams' messages, so a message that matches two streams
 * counts for both) and its changes against the previous period.
 */
import type { ShareResponse, ShareTotals } from '../../lib/contracts/api.ts';
import { countDelta, scoreDelta, shareDelta, type Delta } from './period-delta.ts';

export interface ShareRow {
  stream: string;
  totals: ShareTotals;
  /** Percent of the compared streams' messages; null when none of them has any. */
  share: number | null;
  messagesChange: Delta;
  /** Null when either period has no messages among the compared streams. */
  shareChange: Delta | null;
  scoreChange: Delta | null;
}

export function shareRows(answer: ShareResponse): ShareRow[] {
  const whole = answer.streams.reduce((n, s) => n + s.totals.count, 0);
  const wholeBefore = answer.streams.reduce((n, s) => n + s.previous.count, 0);
  return answer.streams.map((s) => ({
    stream: s.stream,
    totals: s.totals,
    share: whole ? (100 * s.totals.count) / whole : null,
    messagesChange: countDelta(s.totals.count, s.previous.count),
    // More voice is neither good nor bad news for sentiment: the tone stays neutral.
    shareChange: shareDelta({ part: s.totals.count, whole }, { part: s.previous.count, whole: wholeBefore }, null),
    scoreChange: scoreDelta(s.totals.meanScore, s.previous.meanScore),
  }));
}

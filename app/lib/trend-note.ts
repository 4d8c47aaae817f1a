/** What one point of the trend stands for, in words under the chart (issue 15: a person must be able to tell). */
import type { Bucket } from '../../lib/contracts/api.ts';
import { duration } from './format.ts';
import { MinMessagesPerPoint } from './trend-smoothing.ts';
import { typicalPoolMs, type TrendRow } from './trend-rows.ts';

export function trendNote(rows: readonly TrendRow[], bucket: Bucket, bucketMs: number): string {
  const dots = `dots: one ${bucket} bucket each`;
  const typical = typicalPoolMs(rows);
  if (typical === null) return `Too few messages for a line (a point needs ≥ ${MinMessagesPerPoint}); ${dots}.`;
  const line = typical <= bucketMs ? `one ${bucket} bucket, ≥ ${MinMessagesPerPoint} messages` : `≥ ${MinMessagesPerPoint} messages, about ${duration(typical)}`;
  return `Each point of a line: ${line}; ${dots}.`;
}

/**
 * Share of voice: several streams' `sentiment_1s` seconds side by side, over a period and the
 * period of the same length before it, in one query (GROUP BY stream).
 */
import { z } from 'zod';
import { Buckets, MaxSharedStreams, type ShareQuery, type ShareTotals, type StatsPoint, type StreamShare } from '../contracts/api.ts';
import { PulseError } from '../errors.ts';
import { checkDates, parseRows, sourceEquals, sqlDateTimeText } from './rows.ts';
import type { SqlClient, SqlParams } from './sql.ts';
import { BucketSumsRow, bucketPoint, bucketSumsSql } from './stats.ts';

/** A share answer has at most this many buckets per stream: up to 20 streams' lines on one chart. */
export const MaxShareBuckets = 1000;

const ShareRow = BucketSumsRow.extend({ stream: z.string(), previous: z.number().int() });
type ShareRow = z.infer<typeof ShareRow>;

/**
 * The previous period of [from, to): the same length, ending at `from`'s second (the table holds
 * whole seconds: a second is in a period when it starts in it, as in /api/stats).
 */
export function previousPeriod(from: Date, to: Date): { from: Date; to: Date } {
  const start = Math.floor(from.getTime() / 1000) * 1000;
  return { from: new Date(start - (to.getTime() - start)), to: new Date(start) };
}

const noMessages = (): ShareTotals => ({ count: 0, negative: 0, neutral: 0, positive: 0, meanScore: null });

/** Adds a row to running totals whose `meanScore` holds the score's sum until {@link finish}. */
function addRow(sums: ShareTotals, row: ShareRow): void {
  sums.count += row.n;
  sums.negative += row.neg;
  sums.neutral += row.neu;
  sums.positive += row.pos;
  sums.meanScore = (sums.meanScore ?? 0) + row.score_total;
}

function finish(sums: ShareTotals): ShareTotals {
  return { ...sums, meanScore: sums.count ? (sums.meanScore ?? 0) / sums.count : null };
}

export class ShareRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Each asked stream's totals, previous period's totals and buckets, in the order asked. */
  async compare(q: ShareQuery): Promise<StreamShare[]> {
    if (!Object.hasOwn(Buckets, q.bucket)) throw new PulseError('QUERY_INVALID', `unknown bucket ${JSON.stringify(q.bucket)}`);
    if (q.streams.length === 0 || q.streams.length > MaxSharedStreams) {
      throw new PulseError('QUERY_INVALID', `compare 1 to ${MaxSharedStreams} streams`);
    }
    checkDates(q.from, q.to);
    if (q.to <= q.from) throw new PulseError('QUERY_INVALID', 'from must be before to');
    const step = Buckets[q.bucket];
    if ((q.to.getTime() - q.from.getTime()) / 1000 / step > MaxShareBuckets) {
      throw new PulseError('QUERY_INVALID', `more than ${MaxShareBuckets} buckets of ${q.bucket}: use a coarser bucket`);
    }
    const previous = previousPeriod(q.from, q.to);
    const params: SqlParams = {
      streams: [...new Set(q.streams)],
      previousFrom: previous.from,
      from: previous.to,
      to: q.to,
      step,
    };
    const where = [
      'stream IN {streams:Array(String)}',
      "second >= {previousFrom:DateTime64(3, 'UTC')}",
      "second < {to:DateTime64(3, 'UTC')}",
    ];
    if (q.source !== undefined) {
      const source = sourceEquals(q.source);
      where.push(source.condition);
      Object.assign(params, source.params);
    }
    // Grouped by period as well as bucket: a bucket that straddles `from` (a window that does not
    // start on a bucket boundary) must not lend the previous period's seconds to the current one.
    const rows = await this.sql.query(
      `SELECT
         stream,
         toUInt8(second < {from:DateTime64(3, 'UTC')}) AS previous,
         ${bucketSumsSql}
       FROM sentiment_1s
       WHERE ${where.join(' AND ')}
       GROUP BY stream, previous, t
       HAVING n > 0
       ORDER BY stream, t`,
      params,
    );
    const byStream = new Map(q.streams.map((stream) => [stream, { totals: noMessages(), previous: noMessages(), buckets: [] as StatsPoint[] }]));
    for (const row of parseRows(ShareRow, rows)) {
      const share = byStream.get(row.stream);
      if (!share) continue;
      if (row.previous) {
        addRow(share.previous, row);
        continue;
      }
      addRow(share.totals, row);
      share.buckets.push(bucketPoint(row));
    }
    return [...byStream].map(([stream, s]) => ({ stream, totals: finish(s.totals), previous: finish(s.previous), buckets: s.buckets }));
  }
}

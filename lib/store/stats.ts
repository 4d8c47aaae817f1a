/** The `sentiment_1s` table read as stats: label counts and mean score per bucket of time. */
import { z } from 'zod';
import { AllStreamsId, Buckets, MaxBuckets, type StatsPoint, type StatsQuery } from '../contracts/api.ts';
import { PulseError } from '../errors.ts';
import { checkDates, parseRows, sourceEquals, sqlDateTimeText } from './rows.ts';
import type { SqlClient, SqlParams } from './sql.ts';

/**
 * The sums of `sentiment_1s` per bucket of `{step:UInt32}` seconds, as the stats and the share of
 * voice (share.ts) read them, with their row and the point they make.
 */
export const bucketSumsSql = `toStartOfInterval(second, toIntervalSecond({step:UInt32})) AS t,
         sum(count) AS n, sum(negative) AS neg, sum(neutral) AS neu, sum(positive) AS pos, sum(score_sum) AS score_total`;

export const BucketSumsRow = z.object({
  t: sqlDateTimeText,
  n: z.number(),
  neg: z.number(),
  neu: z.number(),
  pos: z.number(),
  score_total: z.number(),
});
export type BucketSumsRow = z.infer<typeof BucketSumsRow>;

/**
 * A bucket's point. A second can sum to 0 once a retag took its messages out of a stream
 * (lib/store/retag.ts): the queries leave such buckets out (`HAVING n > 0`), so none divides by 0.
 */
export function bucketPoint(r: BucketSumsRow): StatsPoint {
  return { t: r.t, count: r.n, negative: r.neg, neutral: r.neu, positive: r.pos, meanScore: r.score_total / r.n };
}

export class StatsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Label counts and mean score per bucket, in time order, non-empty buckets only. */
  async buckets(q: StatsQuery): Promise<StatsPoint[]> {
    if (!Object.hasOwn(Buckets, q.bucket)) throw new PulseError('QUERY_INVALID', `unknown bucket ${JSON.stringify(q.bucket)}`);
    const step = Buckets[q.bucket];
    checkDates(q.from, q.to);
    if (q.to <= q.from) throw new PulseError('QUERY_INVALID', 'from must be before to');
    if ((q.to.getTime() - q.from.getTime()) / 1000 / step > MaxBuckets) {
      throw new PulseError('QUERY_INVALID', `more than ${MaxBuckets} buckets of ${q.bucket}: use a coarser bucket`);
    }
    const params: SqlParams = {
      stream: q.stream ?? AllStreamsId,
      // The table holds whole seconds: a second is in the range when it starts in [from, to).
      from: new Date(Math.floor(q.from.getTime() / 1000) * 1000),
      to: q.to,
      step,
    };
    const where = ['stream = {stream:String}', "second >= {from:DateTime64(3, 'UTC')}", "second < {to:DateTime64(3, 'UTC')}"];
    if (q.source !== undefined) {
      const source = sourceEquals(q.source);
      where.push(source.condition);
      Object.assign(params, source.params);
    }
    const rows = await this.sql.query(
      `SELECT ${bucketSumsSql}
       FROM sentiment_1s
       WHERE ${where.join(' AND ')}
       GROUP BY t
       HAVING n > 0
       ORDER BY t`,
      params,
    );
    return parseRows(BucketSumsRow, rows).map(bucketPoint);
  }
}

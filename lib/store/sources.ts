/** The sources stored in `sentiment_1s`: what the overview's source filter offers. */
import { z } from 'zod';
import { AllStreamsId, type SourceCount, type SourcesQuery } from '../contracts/api.ts';
import { PulseError } from '../errors.ts';
import { checkDates, checkPageLimit, parseRows } from './rows.ts';
import type { SqlClient } from './sql.ts';

const SourceRow = z.object({ spelling: z.string(), total: z.number() });

export class SourceRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * The sources of a stream's messages in [from, to), most messages first. A source filter
   * matches without regard to case, so spellings that differ only in case are summed into one
   * entry (its count is what that filter finds), named by the spelling most messages carry.
   */
  async top(q: SourcesQuery): Promise<SourceCount[]> {
    checkPageLimit(q.limit);
    checkDates(q.from, q.to);
    if (q.to <= q.from) throw new PulseError('QUERY_INVALID', 'from must be before to');
    const rows = await this.sql.query(
      `SELECT argMax(source, n) AS spelling, sum(n) AS total
       FROM (
         SELECT source, sum(count) AS n
         FROM sentiment_1s
         WHERE stream = {stream:String} AND second >= {from:DateTime64(3, 'UTC')} AND second < {to:DateTime64(3, 'UTC')}
         GROUP BY source
       )
       GROUP BY lowerUTF8(source)
       ORDER BY total DESC, spelling
       LIMIT {limit:UInt32}`,
      {
        stream: q.stream ?? AllStreamsId,
        // Whole seconds, as /api/stats counts them: a second is in the range when it starts in [from, to).
        from: new Date(Math.floor(q.from.getTime() / 1000) * 1000),
        to: q.to,
        limit: q.limit,
      },
    );
    return parseRows(SourceRow, rows).map((r) => ({ source: r.spelling, count: r.total }));
  }
}

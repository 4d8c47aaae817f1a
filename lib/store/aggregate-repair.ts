/**
 * Mends `sentiment_1s` after an embedded store was killed mid-insert. An insert into `messages`
 * writes the rows' part first and the materialized view's part (sentiment_1s_mv) after it; chdb
 * runs both inside the Pulse process, so a SIGKILL between the two leaves rows that no
 * aggregate counts. Their batch was not committed and comes back after the restart, but the
 * write path then finds every id stored and drops it (it must: a second insert would count the
 * rows twice), so nothing else would ever count them.
 *
 * At open, before anything inserts, the seconds of the messages classified in the last minute
 * before the newest one are recounted from `messages` and compared with the aggregate; where
 * the aggregate has fewer, the difference is inserted (sentiment_1s is a SummingMergeTree, so
 * the rows add up). Only the in-process engine needs this: a ClickHouse server finishes an
 * insert it has received whatever happens to the client, and several worker processes opening
 * one server must not each add the same difference.
 */
import { z } from 'zod';
import { AllStreamsId } from '../contracts/api.ts';
import { log } from '../log.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

/** Inserts in flight when a process dies were classified moments before its newest message. */
const windowSeconds = 60;

const CountsRow = z.object({
  second: sqlDateTimeText,
  stream: z.string(),
  source: z.string(),
  count: z.number(),
  negative: z.number(),
  neutral: z.number(),
  positive: z.number(),
  score_sum: z.number(),
});
type Counts = z.infer<typeof CountsRow>;

/** The seconds (event time) of the messages classified in the window before the newest one. */
const recentSeconds = `
  SELECT DISTINCT toDateTime(ts, 'UTC') FROM messages
  WHERE classified_at >= (SELECT max(classified_at) FROM messages) - INTERVAL ${windowSeconds} SECOND`;

/** Returns how many (second, stream, source) rows of the aggregate it corrected. */
export async function repairSentimentAggregate(sql: SqlClient): Promise<number> {
  // The same grouping as sentiment_1s_mv (lib/store/migrations.ts), over the rows as stored.
  const fromMessages = parseRows(
    CountsRow,
    await sql.query(
      `SELECT toDateTime(ts, 'UTC') AS second, stream, source, count() AS count,
         countIf(label = 'negative') AS negative, countIf(label = 'neutral') AS neutral,
         countIf(label = 'positive') AS positive, sum(toFloat64(score)) AS score_sum
       FROM messages FINAL
       ARRAY JOIN arrayConcat(['*'], streams) AS stream
       WHERE toDateTime(ts, 'UTC') IN (${recentSeconds})
       GROUP BY second, stream, source`,
    ),
  );
  if (!fromMessages.length) return 0;
  const counted = parseRows(
    CountsRow,
    await sql.query(
      `SELECT second, stream, source, sum(count) AS count, sum(negative) AS negative, sum(neutral) AS neutral,
         sum(positive) AS positive, sum(score_sum) AS score_sum
       FROM sentiment_1s
       WHERE second IN (${recentSeconds})
       GROUP BY second, stream, source`,
    ),
  );
  const key = (c: Counts) => `${c.second}\u0000${c.stream}\u0000${c.source}`;
  const aggregate = new Map(counted.map((c) => [key(c), c]));
  const missing: Record<string, unknown>[] = [];
  for (const m of fromMessages) {
    const a = aggregate.get(key(m));
    const count = m.count - (a?.count ?? 0);
    if (count <= 0) continue;
    missing.push({
      second: sqlDateTime(new Date(m.second)),
      stream: m.stream,
      source: m.source,
      count,
      negative: m.negative - (a?.negative ?? 0),
      neutral: m.neutral - (a?.neutral ?? 0),
      positive: m.positive - (a?.positive ?? 0),
      score_sum: m.score_sum - (a?.score_sum ?? 0),
    });
  }
  if (missing.length) {
    await sql.insert('sentiment_1s', missing);
    const messages = missing.filter((r) => r.stream === AllStreamsId).reduce((n, r) => n + (r.count as number), 0);
    log.warn({ rows: missing.length, messages }, 'store: counted stored messages the aggregate had missed (the process had stopped between the two writes of an insert)');
  }
  return missing.length;
}

/**
 * The aggregates ClickHouse keeps per stream from `messages` through materialized views. A view
 * only sees inserts, so when a stored message gains or loses a stream after it was classified (a
 * stream created or changed later: lib/streams/retag), each aggregate is given the difference
 * with one `INSERT … SELECT` of its own, and `messages` itself is changed without an insert.
 */
import { termsAggregate } from './terms.ts';

export interface StreamAggregate {
  /** The aggregate table. */
  table: string;
  /**
   * `INSERT INTO <table> SELECT …`: the rows the table's view would produce for the messages
   * chosen by `messagesWhere` (a condition on `messages`) as members of the one stream
   * `{stream:String}`, every count multiplied by `{sign:Int8}` (1: stream added, −1: removed).
   */
  deltaSql(messagesWhere: string): string;
}

/** Every per-stream aggregate; a new one registers here so retagging keeps it exact. */
export const streamAggregates: StreamAggregate[] = [
  {
    // sentiment_1s_mv's SELECT (lib/store/migrations.ts) for one stream. FINAL: a message
    // counts once, as a fresh classification would count it. A −1 lands in the UInt64 columns
    // as 2^64 − n; the SummingMergeTree's sums (and readers' sum()) wrap back to the exact count.
    table: 'sentiment_1s',
    deltaSql: (where) => `INSERT INTO sentiment_1s (second, stream, source, count, negative, neutral, positive, score_sum)
      SELECT toDateTime(ts, 'UTC') AS second, {stream:String} AS stream, source,
        count() * {sign:Int8}, countIf(label = 'negative') * {sign:Int8}, countIf(label = 'neutral') * {sign:Int8},
        countIf(label = 'positive') * {sign:Int8}, sum(toFloat64(score)) * {sign:Int8}
      FROM messages FINAL
      WHERE ${where}
      GROUP BY second, source`,
  },
  termsAggregate,
];

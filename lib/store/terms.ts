/**
 * Top terms, hashtags and mentions of a period (`/api/terms`) from the term aggregate
 * (`term_counts`, per minute, ten minutes and hour: migration 7), each with its label split and its
 * lift against the period of the same length before; and the aggregate's place among the
 * per-stream aggregates that retagging keeps exact.
 */
import { z } from 'zod';
import { AllStreamsId, TermKinds, type TermsQuery, type TermsResponse } from '../contracts/api.ts';
import { PulseError } from '../errors.ts';
import { checkDates, parseRows, sourceEquals } from './rows.ts';
import type { SqlClient, SqlParams } from './sql.ts';
import { TermCountsBuffer, termRows } from './term-tokens.ts';

/**
 * The term aggregate as a StreamAggregate (lib/store/stream-aggregates.ts, which lists it and so
 * checks its shape; typed there, not here, because that module imports this one): the delta
 * counts the messages in all their buckets, as the view does, straight into the table (not
 * through the buffer), so it is stored when retagging goes on to change the messages.
 */
export const termsAggregate = {
  table: 'term_counts',
  deltaSql: (messagesWhere: string): string =>
    `INSERT INTO term_counts (grain, bucket, stream, source, kind, term, negative, neutral, positive) ${termRows({ kind: 'delta', messagesWhere })}`,
};

/** The aggregate's grains (`term_counts.grain`), coarsest first, and their lengths in ms. */
const Grains = [['hour', 3_600_000], ['ten_minutes', 600_000], ['minute', 60_000]] as const;
type Grain = (typeof Grains)[number][0];
const minuteMs = 60_000;

/** A time span [from, to) in epoch ms. */
type Span = [from: number, to: number];

/**
 * [from, to) on whole minutes as the fewest buckets: the whole hours inside it, then the whole
 * ten minutes inside what is left at either end, then minutes. A day reads 24 hourly rows per
 * term and at most 10 ten-minute and 18 minute ones, not 1,440; an hour at most 5 + 18, not 60.
 */
export function bucketSpans(span: Span): Record<Grain, Span[]> {
  const spans: Record<Grain, Span[]> = { hour: [], ten_minutes: [], minute: [] };
  const split = ([from, to]: Span, level: number): void => {
    if (from >= to) return;
    const [grain, ms] = Grains[level]!;
    const a = Math.ceil(from / ms) * ms;
    const b = Math.floor(to / ms) * ms;
    if (grain === 'minute') spans.minute.push([from, to]);
    else if (a >= b) split([from, to], level + 1);
    else {
      spans[grain].push([a, b]);
      split([from, a], level + 1);
      split([b, to], level + 1);
    }
  };
  split(span, 0);
  return spans;
}

const TermRow = z.object({ kind: z.enum(TermKinds), term: z.string(), neg: z.number(), neu: z.number(), pos: z.number(), before: z.number() });
const TotalsRow = z.object({ now: z.number(), before: z.number() });

/** Half a message on each side: a term absent before gets a large lift, never a division by zero. */
function lift(count: number, messages: number, before: number, previousMessages: number): number | null {
  if (previousMessages === 0) return null;
  return (count + 0.5) / (messages + 1) / ((before + 0.5) / (previousMessages + 1));
}

export class TermsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Writes what the buffer holds into `term_counts` (before the store closes: chdb would lose it). */
  async flush(): Promise<void> {
    await this.sql.command(`OPTIMIZE TABLE ${TermCountsBuffer}`);
  }

  /** Each kind's top `limit` terms of [from, to) on whole minutes, by the messages holding them. */
  async top(q: TermsQuery): Promise<TermsResponse> {
    checkDates(q.from, q.to);
    if (q.to <= q.from) throw new PulseError('QUERY_INVALID', 'from must be before to');
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new PulseError('QUERY_INVALID', 'limit must be a positive integer');
    // The aggregate's grain is a minute: the period is the minutes [from, to) touches.
    const from = Math.floor(q.from.getTime() / minuteMs) * minuteMs;
    const to = Math.ceil(q.to.getTime() / minuteMs) * minuteMs;
    const previousFrom = from - (to - from);

    const params: SqlParams = { stream: q.stream ?? AllStreamsId, from: new Date(from), previousFrom: new Date(previousFrom), to: new Date(to), limit: q.limit };
    const where = ['stream = {stream:String}'];
    if (q.source !== undefined) {
      const source = sourceEquals(q.source);
      where.push(source.condition);
      Object.assign(params, source.params);
    }
    const termsWhere = [...where];
    if (q.kind !== undefined) {
      termsWhere.push('kind = {kind:String}');
      params.kind = q.kind;
    }

    // Each period is read from the fewest buckets that make it up; a row belongs to the current
    // period when its bucket starts at or after `from`.
    const periods = [bucketSpans([previousFrom, from]), bucketSpans([from, to])];
    let bound = 0;
    const reads = Grains.flatMap(([grain]) => {
      const spans = periods.flatMap((p) => p[grain]);
      if (!spans.length) return [];
      const ranges = spans.map(([a, b]) => {
        const n = bound++;
        params[`a${n}`] = new Date(a);
        params[`b${n}`] = new Date(b);
        return `(bucket >= {a${n}:DateTime64(3, 'UTC')} AND bucket < {b${n}:DateTime64(3, 'UTC')})`;
      });
      // One SELECT per grain, each on a prefix of the sort key (grain, stream, bucket).
      return [
        `SELECT kind, term, negative, neutral, positive, bucket >= {from:DateTime64(3, 'UTC')} AS now
         FROM ${TermCountsBuffer} WHERE grain = '${grain}' AND ${termsWhere.join(' AND ')} AND (${ranges.join(' OR ')})`,
      ];
    });

    const [topRows, totalRows] = await Promise.all([
      this.sql.query(
        `SELECT toString(kind) AS kind, term,
           sumIf(negative, now) AS neg, sumIf(neutral, now) AS neu, sumIf(positive, now) AS pos,
           sumIf(negative + neutral + positive, NOT now) AS before
         FROM (${reads.join(' UNION ALL ')})
         GROUP BY kind, term
         HAVING neg + neu + pos > 0
         ORDER BY neg + neu + pos DESC, term
         LIMIT {limit:UInt32} BY kind`,
        params,
      ),
      // The shares' denominators: every message of each period, terms or not (sentiment_1s).
      this.sql.query(
        `SELECT sumIf(count, second >= {from:DateTime64(3, 'UTC')}) AS now, sumIf(count, second < {from:DateTime64(3, 'UTC')}) AS before
         FROM sentiment_1s
         WHERE ${where.join(' AND ')} AND second >= {previousFrom:DateTime64(3, 'UTC')} AND second < {to:DateTime64(3, 'UTC')}`,
        params,
      ),
    ]);
    const totals = parseRows(TotalsRow, totalRows)[0] ?? { now: 0, before: 0 };
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      previousFrom: new Date(previousFrom).toISOString(),
      messages: totals.now,
      previousMessages: totals.before,
      terms: parseRows(TermRow, topRows).map((r) => {
        const count = r.neg + r.neu + r.pos;
        return {
          term: r.term, kind: r.kind, count, negative: r.neg, neutral: r.neu, positive: r.pos,
          lift: lift(count, totals.now, r.before, totals.before),
        };
      }),
    };
  }
}

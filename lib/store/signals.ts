/**
 * What the detector reads: per-second aggregates of many streams at once (one query per tick),
 * and, when it raises an alert, the messages that explain it: the terms of the window against
 * the baseline before it, and the most extreme messages of the window.
 */
import { z } from 'zod';
import type { ExampleMessage, ExampleOrder, StreamSecond, TermCounts, TermCountsQuery } from '../anomaly/signals.ts';
import { AllStreamsId } from '../contracts/api.ts';
import { Labels } from '../sentiment.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import type { SqlClient, SqlParams } from './sql.ts';

const SecondRow = z.object({ stream: z.string(), second: sqlDateTimeText, n: z.number(), score_total: z.number(), neg: z.number(), pos: z.number() });

/**
 * Messages read per side at most. At 1,000 msgs/s a 10-minute baseline holds 600,000 messages;
 * an even sample of them (by a hash of the id) gives the same proportions at a fraction of the
 * cost, and sampling each side on its own keeps a busy window from crowding the baseline out.
 */
const sidePerQuery = 20_000;
/** Words: letters, digits and `_`, with a leading `#` or `@` kept (hashtags and mentions tell most). */
const termSplit = String.raw`[^\p{L}\p{N}_#@]+`;

function sideFilter(q: TermCountsQuery): { where: string; params: SqlParams } {
  const params: SqlParams = { stream: q.stream, wf: q.windowFrom, wt: q.windowTo, bf: q.baselineFrom };
  const conditions = [`ts >= {bf:DateTime64(3, 'UTC')}`, `ts < {wt:DateTime64(3, 'UTC')}`];
  if (q.stream !== AllStreamsId) conditions.push('has(streams, {stream:String})');
  if (q.label) {
    // The baseline keeps every label: the question is what the window's negative messages say
    // more often than the stream usually does.
    conditions.push(`(ts < {wf:DateTime64(3, 'UTC')} OR label = {label:String})`);
    params.label = q.label;
  }
  return { where: conditions.join(' AND '), params };
}

const inWindow = "ts >= {wf:DateTime64(3, 'UTC')}";

const ExampleRow = z.object({ id: z.string(), text: z.string(), label: z.enum(Labels), score: z.number() });

export class SignalRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Per-second aggregates of these streams in [from, to), seconds with messages only, ordered by stream and time. */
  async streamSeconds(streams: readonly string[], from: Date, to: Date): Promise<StreamSecond[]> {
    if (!streams.length) return [];
    const rows = await this.sql.query(
      `SELECT stream, second, sum(count) AS n, sum(score_sum) AS score_total, sum(negative) AS neg, sum(positive) AS pos
       FROM sentiment_1s
       WHERE stream IN {streams:Array(String)} AND second >= {from:DateTime64(3, 'UTC')} AND second < {to:DateTime64(3, 'UTC')}
       GROUP BY stream, second
       ORDER BY stream, second`,
      { streams, from, to },
    );
    return parseRows(SecondRow, rows).map((r) => ({
      stream: r.stream, t: Date.parse(r.second), count: r.n, scoreSum: r.score_total, negative: r.neg, positive: r.pos,
    }));
  }

  /** Term frequencies of an alert's window against its baseline (top terms). */
  async termCounts(q: TermCountsQuery): Promise<TermCounts> {
    const { where, params } = sideFilter(q);
    const Totals = z.object({ w: z.number(), b: z.number() });
    const [all] = parseRows(Totals, await this.sql.query(`SELECT countIf(${inWindow}) AS w, countIf(NOT ${inWindow}) AS b FROM messages WHERE ${where}`, params));
    const every = { ...params, kw: Math.max(1, Math.ceil((all?.w ?? 0) / sidePerQuery)), kb: Math.max(1, Math.ceil((all?.b ?? 0) / sidePerQuery)), stop: q.stopwords };
    const sampled = `SELECT ts, text FROM messages WHERE ${where}
      AND cityHash64(id) % if(${inWindow}, {kw:UInt64}, {kb:UInt64}) = 0`;
    const [totals] = parseRows(Totals, await this.sql.query(`SELECT countIf(${inWindow}) AS w, countIf(NOT ${inWindow}) AS b FROM (${sampled})`, every));
    const terms = parseRows(
      z.object({ term: z.string(), w: z.number(), b: z.number() }),
      await this.sql.query(
        `SELECT term, countIf(${inWindow}) AS w, countIf(NOT ${inWindow}) AS b
         FROM (
           SELECT ts, arrayJoin(arrayDistinct(arrayFilter(
             t -> lengthUTF8(t) >= 3 AND NOT has({stop:Array(String)}, t),
             splitByRegexp('${termSplit}', lowerUTF8(text))))) AS term
           FROM (${sampled})
         )
         GROUP BY term
         HAVING w >= 2
         ORDER BY w DESC
         LIMIT 500`,
        every,
      ),
    );
    return {
      windowMessages: totals?.w ?? 0,
      baselineMessages: totals?.b ?? 0,
      terms: terms.map((t) => ({ term: t.term, window: t.w, baseline: t.b })),
    };
  }

  /**
   * The messages of a window that drove a shift: up to `limit` messages of the stream in
   * [from, to), the most negative first for a negative shift, the most positive for a positive
   * one, the newest for a volume spike.
   */
  async exampleMessages(stream: string, from: Date, to: Date, order: ExampleOrder, limit: number): Promise<ExampleMessage[]> {
    const params: SqlParams = { stream, from, to, limit };
    const streamFilter = stream === AllStreamsId ? '' : 'AND has(streams, {stream:String})';
    const orderBy = { negative: 'score ASC, ts DESC', positive: 'score DESC, ts DESC', newest: 'ts DESC' }[order];
    const rows = await this.sql.query(
      `SELECT id, text, toString(label) AS label, score FROM messages FINAL
       WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')} ${streamFilter}
       ORDER BY ${orderBy}, id
       LIMIT {limit:UInt32}`,
      params,
    );
    return parseRows(ExampleRow, rows);
  }
}

/**
 * The read behind a stream's preview: stored messages that may match a query not saved yet.
 * The SQL only narrows them down by the query's trigger words (a substring test on text
 * normalised much as lib/streams/text.ts does: lower case, compatibility forms, accents
 * dropped); the exact match runs in JavaScript with the same compiled query the classifier uses.
 */
import { z } from 'zod';
import type { PreviewCandidate } from '../contracts/api.ts';
import { Labels } from '../sentiment.ts';
import { parseRows, sourceIn, sqlDateTimeText } from './rows.ts';
import type { SqlClient, SqlParams } from './sql.ts';

export interface CandidatesQuery {
  /** Normalised words of which a matching message holds at least one. */
  needles: readonly string[];
  /** Only these sources (without regard to case); empty: all. */
  sources: readonly string[];
  from: Date;
  to: Date;
  /** The newest this many candidates are read. */
  limit: number;
}

const CandidateRow = z.object({
  id: z.string(),
  ts: sqlDateTimeText,
  source: z.string(),
  text: z.string(),
  label: z.enum(Labels),
  score: z.number(),
});

/** multiSearchAny takes at most 255 needles; a query with more triggers is narrowed by none. */
const maxNeedles = 255;

export class PreviewRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Stored messages that may match a stream being previewed, newest first. */
  async candidates(q: CandidatesQuery): Promise<PreviewCandidate[]> {
    const params: SqlParams = { from: q.from, to: q.to, limit: q.limit };
    const where = ["ts >= {from:DateTime64(3, 'UTC')}", "ts < {to:DateTime64(3, 'UTC')}"];
    if (q.needles.length && q.needles.length <= maxNeedles) {
      where.push(String.raw`multiSearchAny(replaceRegexpAll(normalizeUTF8NFKD(lowerUTF8(text)), '\p{Mn}', ''), {needles:Array(String)})`);
      params.needles = q.needles;
    }
    if (q.sources.length) {
      const sources = sourceIn(q.sources);
      where.push(sources.condition);
      Object.assign(params, sources.params);
    }
    const rows = await this.sql.query(
      `SELECT id, ts, source, text, toString(label) AS label, score FROM messages FINAL
       WHERE ${where.join(' AND ')}
       ORDER BY ts DESC, id DESC
       LIMIT {limit:UInt32}`,
      params,
    );
    return parseRows(CandidateRow, rows);
  }
}

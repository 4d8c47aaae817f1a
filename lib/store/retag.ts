/**
 * Changing the streams of messages already stored (lib/streams/backfill/): the reads that walk
 * the past in chunks and the one write that moves a set of messages into or out of a stream.
 *
 * A materialized view sees inserts only, so the write has two halves: every per-stream
 * aggregate (stream-aggregates.ts) gets the difference with an `INSERT … SELECT` of its own,
 * then `messages` is changed in place by a synchronous mutation, which no view sees. Both
 * halves select the same rows, and only rows not yet changed: `NOT has(streams, s)` when adding,
 * `has(streams, s)` when removing. Run again after the mutation, the write finds nothing to do,
 * so a chunk cut short and resumed is counted once. The one window left is between the deltas
 * and the mutation: a process killed there has counted a change `messages` does not show yet,
 * and the resumed chunk counts it again (a graceful stop never stops inside a write).
 */
import { z } from 'zod';
import { parseRows, sqlDateTimeText } from './rows.ts';
import type { SqlClient, SqlParams } from './sql.ts';
import { streamAggregates, type StreamAggregate } from './stream-aggregates.ts';

/** Messages of the past a job looks at: event time in [from, to) (to absent: no end), classified before `cutoff`. */
export interface RetagChunk {
  from: Date;
  to: Date | null;
  cutoff: Date;
}

export interface RetagCandidate {
  id: string;
  source: string;
  text: string;
  /** Whether the message carries the stream now. */
  tagged: boolean;
}

/** multiSearchAny takes at most 255 needles; a query with more triggers is narrowed by none. */
const maxNeedles = 255;

const CandidateRow = z.object({ id: z.string(), source: z.string(), text: z.string(), tagged: z.number().int() });
const CountRow = z.object({ n: z.number().int() });
const TsRow = z.object({ ts: sqlDateTimeText });

function chunkWhere(c: RetagChunk): { where: string; params: SqlParams } {
  const where = ["ts >= {from:DateTime64(3, 'UTC')}", "classified_at < {cutoff:DateTime64(3, 'UTC')}"];
  const params: SqlParams = { from: c.from, cutoff: c.cutoff };
  if (c.to) {
    where.push("ts < {to:DateTime64(3, 'UTC')}");
    params.to = c.to;
  }
  return { where: where.join(' AND '), params };
}

export class RetagRepository {
  constructor(
    private readonly sql: SqlClient,
    private readonly aggregates: readonly StreamAggregate[] = streamAggregates,
  ) {}

  /** Messages of the chunk, or only those carrying `stream`. */
  async count(c: RetagChunk, stream?: string): Promise<number> {
    const { where, params } = chunkWhere(c);
    const rows = await this.sql.query(
      `SELECT count() AS n FROM messages FINAL WHERE ${where}${stream === undefined ? '' : ' AND has(streams, {stream:String})'}`,
      stream === undefined ? params : { ...params, stream },
    );
    return parseRows(CountRow, rows)[0]?.n ?? 0;
  }

  /**
   * Where a chunk of about `size` messages starting at `c.from` ends: the event time of the
   * next message after them, exclusive (null: the rest are fewer). Every message at one time
   * falls in one chunk, however many there are.
   */
  async chunkEnd(c: Omit<RetagChunk, 'to'>, size: number): Promise<Date | null> {
    const { where, params } = chunkWhere({ ...c, to: null });
    const rows = parseRows(
      TsRow,
      await this.sql.query(`SELECT ts FROM messages WHERE ${where} ORDER BY ts LIMIT 1 OFFSET {size:UInt32}`, { ...params, size }),
    );
    const next = rows[0] ? new Date(rows[0].ts) : null;
    if (!next) return null;
    // More than `size` messages share the first time: the chunk takes that millisecond whole.
    return next > c.from ? next : new Date(c.from.getTime() + 1);
  }

  /**
   * The messages of the chunk a stream's version may have to change: those carrying it (it
   * may no longer match) and those holding one of its words (narrowed as the preview narrows,
   * lib/store/stream-preview.ts; the compiled query decides).
   */
  async candidates(c: RetagChunk, stream: string, needles: readonly string[]): Promise<RetagCandidate[]> {
    const { where, params } = chunkWhere(c);
    let words = '1';
    if (needles.length && needles.length <= maxNeedles) {
      words = String.raw`multiSearchAny(replaceRegexpAll(normalizeUTF8NFKD(lowerUTF8(text)), '\p{Mn}', ''), {needles:Array(String)})`;
      params.needles = needles;
    }
    const rows = await this.sql.query(
      `SELECT id, source, text, has(streams, {stream:String}) AS tagged FROM messages FINAL
       WHERE ${where} AND (has(streams, {stream:String}) OR ${words})`,
      { ...params, stream },
    );
    return parseRows(CandidateRow, rows).map((r) => ({ id: r.id, source: r.source, text: r.text, tagged: r.tagged === 1 }));
  }

  /**
   * Adds `stream` to (sign 1) or removes it from (sign −1) these messages of the chunk: the
   * aggregates' deltas first, then the mutation (see the module's comment for why this order).
   */
  async change(c: RetagChunk, stream: string, ids: readonly string[], sign: 1 | -1): Promise<void> {
    // As many ids per statement as one parameter carries: each statement is a mutation.
    for (let i = 0; i < ids.length; i += this.sql.maxArrayParam) {
      const { where: inChunk, params } = chunkWhere(c);
      const where = `${inChunk} AND id IN {ids:Array(String)} AND ${sign === 1 ? 'NOT ' : ''}has(streams, {stream:String})`;
      const bound = { ...params, ids: ids.slice(i, i + this.sql.maxArrayParam), stream, sign };
      for (const aggregate of this.aggregates) await this.sql.command(aggregate.deltaSql(where), bound);
      const streams = sign === 1 ? 'arrayPushBack(streams, {stream:String})' : 'arrayFilter(s -> s != {stream:String}, streams)';
      // mutations_sync = 2: returns once every replica has it (on a single server or chdb: once done).
      await this.sql.command(`ALTER TABLE messages UPDATE streams = ${streams} WHERE ${where} SETTINGS mutations_sync = 2`, bound);
    }
  }
}

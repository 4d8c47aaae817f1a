/** Row parsing, keyset cursors and id lookups shared by the store's queries. */
import { z } from 'zod';
import { MaxPageSize } from '../contracts/api.ts';
import { PulseError } from '../errors.ts';
import { isoFromSql, type SqlParams } from './sql.ts';

/**
 * The parameters of a lookup of messages by id (`ids`, and `min` / `max` of their event times, so
 * a table ordered by (ts, id) reads only that range), one per chunk of at most `perQuery` ids. The
 * range by a loop: a chunk holds a whole write's ids on chdb (tens of thousands at most), more
 * than `Math.min(...times)` can take as arguments.
 */
export function idLookups(messages: ReadonlyArray<{ id: string; ts: string }>, perQuery: number): SqlParams[] {
  const lookups: SqlParams[] = [];
  for (let i = 0; i < messages.length; i += perQuery) {
    const chunk = messages.slice(i, i + perQuery);
    let min = Infinity;
    let max = -Infinity;
    for (const m of chunk) {
      const t = Date.parse(m.ts);
      if (t < min) min = t;
      if (t > max) max = t;
    }
    lookups.push({ min: new Date(min), max: new Date(max), ids: chunk.map((m) => m.id) });
  }
  return lookups;
}

export const sqlDateTimeText = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/).transform(isoFromSql);

export const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
});

/** The position after the last row of a page: its time and id (the sort key). */
const Cursor = z.tuple([z.iso.datetime(), z.string().min(1).max(128)]);

function encodeCursor(ts: string, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new PulseError('QUERY_INVALID', 'invalid cursor');
  }
}

/** Rows read back are checked like any input: a schema drift fails loudly, here. */
export function parseRows<T extends z.ZodType>(schema: T, rows: unknown[]): Array<z.infer<T>> {
  const parsed = z.array(schema).safeParse(rows);
  if (!parsed.success) {
    throw new PulseError('STORE_QUERY_FAILED', `unexpected rows from the store: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/**
 * Keyset pages, newest first on (time, key): every listing (messages, dead letters, alerts,
 * audit) pages this way. A query asks for `limit + 1` rows; the extra one only tells that
 * another page follows.
 */
export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MaxPageSize) {
    throw new PulseError('QUERY_INVALID', `limit must be an integer in 1…${MaxPageSize}`);
  }
}

/** Dates of a query arrive parsed from a URL: an unparseable one is the caller's error, not the store's. */
export function checkDates(...dates: Array<Date | undefined>): void {
  for (const d of dates) {
    if (d === undefined) continue;
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new PulseError('QUERY_INVALID', 'invalid date');
  }
}

/** "(time, key) comes before the cursor's row", spelled so that `time <=` can prune by primary key. */
function beforeCursor(cursor: string, time: string, key: string): { condition: string; params: SqlParams } {
  const [t, k] = decodeCursor(cursor);
  return {
    condition: `${time} <= {ctime:DateTime64(3, 'UTC')} AND (${time} < {ctime:DateTime64(3, 'UTC')} OR ${key} < {ckey:String})`,
    params: { ctime: new Date(t), ckey: k },
  };
}

/** Cuts the probe row off and names the last row shown as the next page's cursor. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => [time: string, key: string]): { rows: T[]; nextCursor?: string } {
  if (rows.length <= limit) return { rows };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(...keyOf(page[limit - 1]!)) };
}

/** A condition of a WHERE clause and the parameters it binds. */
export interface SqlCondition {
  condition: string;
  params: SqlParams;
}

/**
 * "The row's source is this one, whatever its case": the condition of every source filter
 * (stats, messages, terms), so "Airline" finds what arrived as "airline" (lib/source-key.ts).
 * It binds `{source}`; the stored value stays as received.
 */
export function sourceEquals(source: string, column = 'source'): SqlCondition {
  return { condition: `lowerUTF8(${column}) = lowerUTF8({source:String})`, params: { source } };
}

/** "The row's source is one of these, whatever its case" (a stream's sources); it binds `{sources}`. */
export function sourceIn(sources: readonly string[], column = 'source'): SqlCondition {
  return { condition: `has(arrayMap(s -> lowerUTF8(s), {sources:Array(String)}), lowerUTF8(${column}))`, params: { sources: [...sources] } };
}

/** A WHERE clause and its bound parameters, built one optional filter at a time (the listings' filters). */
export class Filters {
  private readonly conditions: string[] = [];

  constructor(readonly params: SqlParams = {}) {}

  /** `column = value` when the value is given; the parameter is named after the column. */
  equal(column: string, value: string | undefined): this {
    if (value === undefined) return this;
    return this.add(`${column} = {${column}:String}`, { [column]: value });
  }

  /** `from ≤ column < to`, each bound when given. */
  range(column: string, from: Date | undefined, to: Date | undefined): this {
    if (from) this.add(`${column} >= {from:DateTime64(3, 'UTC')}`, { from });
    if (to) this.add(`${column} < {to:DateTime64(3, 'UTC')}`, { to });
    return this;
  }

  /** Rows after a page's cursor, in (time, key) order newest first. */
  after(cursor: string | undefined, time: string, key: string): this {
    if (cursor === undefined) return this;
    const before = beforeCursor(cursor, time, key);
    return this.add(before.condition, before.params);
  }

  /** A built condition ({@link sourceEquals}, …) when there is one. */
  with(condition: SqlCondition | undefined): this {
    return condition ? this.add(condition.condition, condition.params) : this;
  }

  add(condition: string, params: SqlParams = {}): this {
    this.conditions.push(condition);
    Object.assign(this.params, params);
    return this;
  }

  get where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/** Row parsing and keyset cursors shared by the store's queries. */
import { z } from 'zod';
import { PulseError } from '../errors.ts';
import { isoFromSql } from './sql.ts';

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

export function encodeCursor(ts: string, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
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

/** The `dead_letters` table: what pulse.dlq carried, listed newest first for operators. */
import { z } from 'zod';
import type { DeadLetter } from '../message.ts';
import { checkPageLimit, Filters, jsonText, pageOf, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

/** A dead letter with its place on the bus (partition/offset), which identifies it. */
export interface StoredDeadLetter extends DeadLetter {
  key: string;
}

export interface DeadLettersQuery {
  stage?: string;
  limit: number;
  cursor?: string;
}

export interface DeadLettersPage {
  deadLetters: StoredDeadLetter[];
  nextCursor?: string;
}

const DeadLetterRow = z.object({
  at: sqlDateTimeText,
  key: z.string(),
  stage: z.string(),
  reason: z.string(),
  message_id: z.string().nullable(),
  payload: jsonText,
});

export async function insertDeadLetters(sql: SqlClient, letters: readonly StoredDeadLetter[]): Promise<void> {
  if (!letters.length) return;
  await sql.insert(
    'dead_letters',
    letters.map((l) => ({
      at: sqlDateTime(new Date(l.at)), key: l.key, stage: l.stage, reason: l.reason, message_id: l.id ?? null, payload: JSON.stringify(l.payload),
    })),
  );
}

export async function listDeadLetters(sql: SqlClient, q: DeadLettersQuery, maxPage: number): Promise<DeadLettersPage> {
  checkPageLimit(q.limit, maxPage);
  const filters = new Filters({ limit: q.limit + 1 }).equal('stage', q.stage).after(q.cursor, 'at', 'key');
  const rows = await sql.query(
    `SELECT at, key, stage, reason, message_id, payload FROM dead_letters FINAL
     ${filters.where}
     ORDER BY at DESC, key DESC LIMIT {limit:UInt32}`,
    filters.params,
  );
  const deadLetters = parseRows(DeadLetterRow, rows).map(
    (r): StoredDeadLetter => ({ at: r.at, key: r.key, stage: r.stage, reason: r.reason, payload: r.payload, ...(r.message_id !== null ? { id: r.message_id } : {}) }),
  );
  const page = pageOf(deadLetters, q.limit, (l) => [l.at, l.key]);
  return { deadLetters: page.rows, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

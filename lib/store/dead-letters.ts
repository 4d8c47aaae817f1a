/** The `dead_letters` table: what pulse.dlq carried, listed newest first for operators. */
import { z } from 'zod';
import type { DeadLetter } from '../message.ts';
import { beforeCursor, checkPageLimit, jsonText, pageOf, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient, type SqlParams } from './sql.ts';

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
  const params: SqlParams = { limit: q.limit + 1 };
  const where: string[] = [];
  if (q.stage !== undefined) {
    where.push('stage = {stage:String}');
    params.stage = q.stage;
  }
  if (q.cursor !== undefined) {
    const before = beforeCursor(q.cursor, 'at', 'key');
    where.push(before.condition);
    Object.assign(params, before.params);
  }
  const rows = await sql.query(
    `SELECT at, key, stage, reason, message_id, payload FROM dead_letters FINAL
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY at DESC, key DESC LIMIT {limit:UInt32}`,
    params,
  );
  const deadLetters = parseRows(DeadLetterRow, rows).map(
    (r): StoredDeadLetter => ({ at: r.at, key: r.key, stage: r.stage, reason: r.reason, payload: r.payload, ...(r.message_id !== null ? { id: r.message_id } : {}) }),
  );
  const page = pageOf(deadLetters, q.limit, (l) => [l.at, l.key]);
  return { deadLetters: page.rows, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

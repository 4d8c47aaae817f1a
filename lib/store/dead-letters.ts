/** The `dead_letters` table: what pulse.dlq carried, listed newest first for operators. */
import { z } from 'zod';
import type { DeadLettersPage, DeadLettersQuery, StoredDeadLetter } from '../contracts/api.ts';
import { checkPageLimit, Filters, jsonText, pageOf, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const DeadLetterRow = z.object({
  at: sqlDateTimeText,
  key: z.string(),
  stage: z.string(),
  reason: z.string(),
  message_id: z.string().nullable(),
  payload: jsonText,
});

export class DeadLetterRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Records dead letters from pulse.dlq (one insert); a redelivered letter collapses by its key. */
  async insert(letters: readonly StoredDeadLetter[]): Promise<void> {
    if (!letters.length) return;
    await this.sql.insert(
      'dead_letters',
      letters.map((l) => ({
        at: sqlDateTime(new Date(l.at)), key: l.key, stage: l.stage, reason: l.reason, message_id: l.id ?? null, payload: JSON.stringify(l.payload),
      })),
    );
  }

  /** Dead letters, newest first, optionally of one stage (`ingest`, `classifier`, …). */
  async list(q: DeadLettersQuery): Promise<DeadLettersPage> {
    checkPageLimit(q.limit);
    const filters = new Filters({ limit: q.limit + 1 }).equal('stage', q.stage).after(q.cursor, 'at', 'key');
    const rows = await this.sql.query(
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
}

/** The `sessions` table (migration 5): looked up one at a time by the hash of the session cookie. */
import { z } from 'zod';
import type { SessionRecord } from '../auth/records.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const SessionRow = z.object({
  id_hash: z.string(),
  user_id: z.string(),
  created_at: sqlDateTimeText,
  expires_at: sqlDateTimeText,
  revoked_at: sqlDateTimeText.nullable(),
});

export class SessionRepository {
  constructor(private readonly sql: SqlClient) {}

  async insert(s: SessionRecord): Promise<void> {
    await this.sql.insert('sessions', [
      {
        id_hash: s.idHash, user_id: s.userId, created_at: sqlDateTime(new Date(s.createdAt)), expires_at: sqlDateTime(new Date(s.expiresAt)),
        revoked_at: s.revokedAt ? sqlDateTime(new Date(s.revokedAt)) : null, updated_at: sqlDateTime(new Date()),
      },
    ]);
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const rows = await this.sql.query(
      `SELECT id_hash, user_id, created_at, expires_at, revoked_at FROM sessions FINAL WHERE id_hash = {idHash:String}`,
      { idHash },
    );
    const [r] = parseRows(SessionRow, rows);
    return r && { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}) };
  }
}

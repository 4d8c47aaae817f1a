/**
 * The `users` table (migration 5): one row per version of a user, the highest version wins.
 * It is small and read whole by every server process each second (lib/auth/access.ts), so a
 * change reaches them all within seconds.
 */
import { z } from 'zod';
import type { UserRecord } from '../auth/records.ts';
import { Roles } from '../auth/roles.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const UserRow = z.object({
  id: z.string(),
  version: z.number().int(),
  email: z.string(),
  role: z.enum(Roles),
  password_hash: z.string(),
  sessions_since: sqlDateTimeText,
  disabled: z.number().int(),
  created_at: sqlDateTimeText,
  updated_at: sqlDateTimeText,
});

export class UserRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Writes a version of a user (its `version` above every stored one). */
  async insert(u: UserRecord): Promise<void> {
    await this.sql.insert('users', [
      {
        id: u.id, version: u.version, email: u.email, role: u.role, password_hash: u.passwordHash, sessions_since: sqlDateTime(new Date(u.sessionsSince)),
        disabled: u.disabled ? 1 : 0,
        created_at: sqlDateTime(new Date(u.createdAt)), updated_at: sqlDateTime(new Date(u.updatedAt)),
      },
    ]);
  }

  /** Every user's current version, disabled ones included, by email. */
  async list(): Promise<UserRecord[]> {
    const rows = await this.sql.query(`SELECT ${Object.keys(UserRow.shape).join(', ')} FROM users FINAL ORDER BY email`);
    return parseRows(UserRow, rows).map((r) => ({
      id: r.id, version: r.version, email: r.email, role: r.role, passwordHash: r.password_hash, sessionsSince: r.sessions_since, disabled: r.disabled === 1,
      createdAt: r.created_at, updatedAt: r.updated_at,
    }));
  }
}

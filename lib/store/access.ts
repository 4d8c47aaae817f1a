/**
 * Users, API keys and sessions (migration 5). Users and keys are small tables read whole by
 * every server process each second (lib/auth/access.ts), so a revocation reaches them all
 * within seconds; sessions are looked up one at a time by the hash of their cookie.
 */
import { z } from 'zod';
import { Roles, Scopes, type Role, type Scope } from '../auth/roles.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

export interface UserRecord {
  id: string;
  version: number;
  email: string;
  role: Role;
  passwordHash: string;
  /** Sessions created before this are void: a new password ends every session of the old one. */
  sessionsSince: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface KeyRecord {
  id: string;
  version: number;
  name: string;
  secretHash: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  /** From api_key_usage: when it last authenticated a request (to the minute). */
  lastUsedAt?: string;
}

export interface SessionRecord {
  idHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
}

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

const KeyRow = z.object({
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  secret_hash: z.string(),
  scopes: z.array(z.enum(Scopes)),
  created_by: z.string(),
  created_at: sqlDateTimeText,
  revoked_at: sqlDateTimeText.nullable(),
  last_used_at: sqlDateTimeText.nullable(),
});

const SessionRow = z.object({
  id_hash: z.string(),
  user_id: z.string(),
  created_at: sqlDateTimeText,
  expires_at: sqlDateTimeText,
  revoked_at: sqlDateTimeText.nullable(),
});

const time = (iso: string) => sqlDateTime(new Date(iso));

export async function insertUser(sql: SqlClient, u: UserRecord): Promise<void> {
  await sql.insert('users', [
    {
      id: u.id, version: u.version, email: u.email, role: u.role, password_hash: u.passwordHash, sessions_since: time(u.sessionsSince),
      disabled: u.disabled ? 1 : 0,
      created_at: time(u.createdAt), updated_at: time(u.updatedAt),
    },
  ]);
}

export async function listUsers(sql: SqlClient): Promise<UserRecord[]> {
  const rows = await sql.query(`SELECT ${Object.keys(UserRow.shape).join(', ')} FROM users FINAL ORDER BY email`);
  return parseRows(UserRow, rows).map((r) => ({
    id: r.id, version: r.version, email: r.email, role: r.role, passwordHash: r.password_hash, sessionsSince: r.sessions_since, disabled: r.disabled === 1,
    createdAt: r.created_at, updatedAt: r.updated_at,
  }));
}

export async function insertKey(sql: SqlClient, k: KeyRecord): Promise<void> {
  await sql.insert('api_keys', [
    {
      id: k.id, version: k.version, name: k.name, secret_hash: k.secretHash, scopes: k.scopes, created_by: k.createdBy,
      created_at: time(k.createdAt), revoked_at: k.revokedAt ? time(k.revokedAt) : null,
    },
  ]);
}

export async function listKeys(sql: SqlClient): Promise<KeyRecord[]> {
  const rows = await sql.query(
    `SELECT k.id AS id, k.version AS version, k.name AS name, k.secret_hash AS secret_hash, k.scopes AS scopes,
            k.created_by AS created_by, k.created_at AS created_at, k.revoked_at AS revoked_at, u.last_used_at AS last_used_at
     FROM (SELECT * FROM api_keys FINAL) AS k
     LEFT JOIN (SELECT id, max(last_used_at) AS last_used_at FROM api_key_usage GROUP BY id) AS u ON u.id = k.id
     ORDER BY k.created_at`,
    {},
  );
  return parseRows(KeyRow, rows).map((r) => ({
    id: r.id, version: r.version, name: r.name, secretHash: r.secret_hash, scopes: r.scopes, createdBy: r.created_by, createdAt: r.created_at,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
    // A LEFT JOIN fills a missing right side with the column's default, the epoch.
    ...(r.last_used_at && Date.parse(r.last_used_at) > 0 ? { lastUsedAt: r.last_used_at } : {}),
  }));
}

export async function noteKeysUsed(sql: SqlClient, used: ReadonlyMap<string, number>): Promise<void> {
  if (!used.size) return;
  await sql.insert('api_key_usage', [...used].map(([id, at]) => ({ id, last_used_at: sqlDateTime(new Date(at)) })));
}

export async function insertSession(sql: SqlClient, s: SessionRecord): Promise<void> {
  await sql.insert('sessions', [
    {
      id_hash: s.idHash, user_id: s.userId, created_at: time(s.createdAt), expires_at: time(s.expiresAt),
      revoked_at: s.revokedAt ? time(s.revokedAt) : null, updated_at: sqlDateTime(new Date()),
    },
  ]);
}

export async function getSession(sql: SqlClient, idHash: string): Promise<SessionRecord | undefined> {
  const rows = await sql.query(
    `SELECT id_hash, user_id, created_at, expires_at, revoked_at FROM sessions FINAL WHERE id_hash = {idHash:String}`,
    { idHash },
  );
  const [r] = parseRows(SessionRow, rows);
  return r && { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}) };
}

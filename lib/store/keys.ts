/**
 * The `api_keys` table (migration 5), one row per version of a key, and `api_key_usage`, when
 * each key last authenticated a request. Like users, keys are read whole by every server
 * process each second (lib/auth/access.ts), so a revocation reaches them all within seconds.
 */
import { z } from 'zod';
import type { KeyRecord } from '../auth/records.ts';
import { Scopes } from '../auth/roles.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

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

export class KeyRepository {
  constructor(private readonly sql: SqlClient) {}

  async insert(k: KeyRecord): Promise<void> {
    await this.sql.insert('api_keys', [
      {
        id: k.id, version: k.version, name: k.name, secret_hash: k.secretHash, scopes: k.scopes, created_by: k.createdBy,
        created_at: sqlDateTime(new Date(k.createdAt)), revoked_at: k.revokedAt ? sqlDateTime(new Date(k.revokedAt)) : null,
      },
    ]);
  }

  /** Every key's current version (revoked ones included) with its last use, oldest first. */
  async list(): Promise<KeyRecord[]> {
    const rows = await this.sql.query(
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

  /** Key id → epoch ms of its latest use. */
  async noteUsed(used: ReadonlyMap<string, number>): Promise<void> {
    if (!used.size) return;
    await this.sql.insert('api_key_usage', [...used].map(([id, at]) => ({ id, last_used_at: sqlDateTime(new Date(at)) })));
  }
}

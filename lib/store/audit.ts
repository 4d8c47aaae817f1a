/** The `audit_log` table: who changed which stream, rule, channel, key or user, when and from where. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditEntry, AuditPage, AuditQuery } from '../contracts/api.ts';
import { checkDates, checkPageLimit, Filters, jsonText, pageOf, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const AuditRow = z.object({
  at: sqlDateTimeText,
  id: z.string(),
  actor_kind: z.string(),
  actor_id: z.string(),
  actor_name: z.string(),
  action: z.string(),
  target_kind: z.string(),
  target_id: z.string(),
  ip: z.string(),
  detail: jsonText.pipe(z.record(z.string(), z.unknown())),
});

export class AuditRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Several entries (a bulk label's) are one insert, so one request writes one part. */
  async insert(...entries: AuditEntry[]): Promise<void> {
    await this.sql.insert(
      'audit_log',
      entries.map((e) => ({
        at: sqlDateTime(new Date(e.at)), id: e.id ?? randomUUID(), actor_kind: e.actor.kind, actor_id: e.actor.id, actor_name: e.actor.name,
        action: e.action, target_kind: e.target.kind, target_id: e.target.id, ip: e.ip, detail: JSON.stringify(e.detail),
      })),
    );
  }

  /** The audit log, newest first. */
  async list(q: AuditQuery): Promise<AuditPage> {
    checkDates(q.from, q.to);
    checkPageLimit(q.limit);
    const filters = new Filters({ limit: q.limit + 1 })
      .equal('action', q.action)
      .equal('target_kind', q.targetKind)
      .equal('target_id', q.targetId)
      .equal('actor_id', q.actorId)
      .range('at', q.from, q.to)
      .after(q.cursor, 'at', 'id');
    const rows = parseRows(
      AuditRow,
      await this.sql.query(`SELECT ${Object.keys(AuditRow.shape).join(', ')} FROM audit_log FINAL ${filters.where} ORDER BY at DESC, id DESC LIMIT {limit:UInt32}`, filters.params),
    );
    const page = pageOf(rows, q.limit, (r) => [r.at, r.id]);
    return {
      entries: page.rows.map((r) => ({
        id: r.id,
        at: r.at, actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name }, action: r.action,
        target: { kind: r.target_kind, id: r.target_id }, ip: r.ip, detail: r.detail,
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }
}

/**
 * The `alerts` table: one row per version of an alert (the detector raising, escalating and
 * resolving it; a person acknowledging or resolving it), the latest `updated_at` wins. The row
 * carries the whole alert as JSON plus the columns the history page filters on.
 */
import { z } from 'zod';
import { AlertSchema, type Alert } from '../alerts/alert.ts';
import type { AlertsPage, AlertsQuery } from '../contracts/api.ts';
import { checkDates, checkPageLimit, Filters, jsonText, pageOf, parseRows } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const AlertRow = z.object({ payload: jsonText.pipe(AlertSchema) });

export class AlertRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Writes a version of an alert; the one with the latest `updatedAt` is the alert. */
  async insert(a: Alert): Promise<void> {
    await this.sql.insert('alerts', [
      {
        id: a.id,
        stream: a.stream,
        kind: a.kind,
        created_at: sqlDateTime(new Date(a.openedAt)),
        updated_at: sqlDateTime(new Date(a.updatedAt)),
        status: a.status,
        severity: a.severity,
        direction: a.direction,
        z: a.z,
        payload: JSON.stringify(a),
      },
    ]);
  }

  async get(id: string): Promise<Alert | undefined> {
    const rows = await this.sql.query('SELECT payload FROM alerts FINAL WHERE id = {id:String}', { id });
    return parseRows(AlertRow, rows)[0]?.payload;
  }

  /** The latest version of each of these alerts (the detector's lookup before it writes). */
  async getMany(ids: readonly string[]): Promise<Map<string, Alert>> {
    if (!ids.length) return new Map();
    const rows = await this.sql.query('SELECT payload FROM alerts FINAL WHERE id IN {ids:Array(String)}', { ids });
    return new Map(parseRows(AlertRow, rows).map((r) => [r.payload.id, r.payload]));
  }

  /** The latest version of every alert of this kind that is not resolved (the drift watch's open ones). */
  async unresolved(kind: Alert['kind']): Promise<Alert[]> {
    const rows = await this.sql.query(`SELECT payload FROM alerts FINAL WHERE kind = {kind:String} AND status != 'resolved'`, { kind });
    return parseRows(AlertRow, rows).map((r) => r.payload);
  }

  /** Alerts, newest opened first, with the history page's filters. */
  async list(q: AlertsQuery): Promise<AlertsPage> {
    checkDates(q.from, q.to);
    checkPageLimit(q.limit);
    const filters = new Filters({ limit: q.limit + 1 })
      .equal('stream', q.stream)
      .equal('status', q.status)
      .equal('severity', q.severity)
      .equal('kind', q.kind)
      .range('created_at', q.from, q.to)
      .after(q.cursor, 'created_at', 'id');
    // FINAL before WHERE: a filter on status must see each alert's latest version only.
    const rows = await this.sql.query(
      `SELECT payload FROM alerts FINAL
       ${filters.where}
       ORDER BY created_at DESC, id DESC LIMIT {limit:UInt32}`,
      filters.params,
    );
    const page = pageOf(parseRows(AlertRow, rows).map((r) => r.payload), q.limit, (a) => [a.openedAt, a.id]);
    return { alerts: page.rows, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }
}

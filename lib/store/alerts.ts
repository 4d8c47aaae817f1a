/**
 * The `alerts` table: one row per version of an alert (the detector raising, escalating and
 * resolving it; a person acknowledging or resolving it), the latest `updated_at` wins. The row
 * carries the whole alert as JSON plus the columns the history page filters on.
 */
import { z } from 'zod';
import { AlertKinds, AlertSchema, AlertStatuses, Severities, type Alert } from '../alerts/alert.ts';
import { checkPageLimit, Filters, jsonText, pageOf, parseRows } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

export interface AlertsQuery {
  stream?: string;
  status?: (typeof AlertStatuses)[number];
  severity?: (typeof Severities)[number];
  kind?: (typeof AlertKinds)[number];
  /** Alerts opened in [from, to). */
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface AlertsPage {
  /** Newest opened first. */
  alerts: Alert[];
  nextCursor?: string;
}

const AlertRow = z.object({ payload: jsonText.pipe(AlertSchema) });

export async function insertAlert(sql: SqlClient, a: Alert): Promise<void> {
  await sql.insert('alerts', [
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

export async function getAlert(sql: SqlClient, id: string): Promise<Alert | undefined> {
  const rows = await sql.query('SELECT payload FROM alerts FINAL WHERE id = {id:String}', { id });
  return parseRows(AlertRow, rows)[0]?.payload;
}

/** The latest version of each of these alerts (the detector's lookup before it writes). */
export async function getAlerts(sql: SqlClient, ids: readonly string[]): Promise<Map<string, Alert>> {
  if (!ids.length) return new Map();
  const rows = await sql.query('SELECT payload FROM alerts FINAL WHERE id IN {ids:Array(String)}', { ids });
  return new Map(parseRows(AlertRow, rows).map((r) => [r.payload.id, r.payload]));
}

export async function listAlerts(sql: SqlClient, q: AlertsQuery, maxPage: number): Promise<AlertsPage> {
  checkPageLimit(q.limit, maxPage);
  const filters = new Filters({ limit: q.limit + 1 })
    .equal('stream', q.stream)
    .equal('status', q.status)
    .equal('severity', q.severity)
    .equal('kind', q.kind)
    .range('created_at', q.from, q.to)
    .after(q.cursor, 'created_at', 'id');
  // FINAL before WHERE: a filter on status must see each alert's latest version only.
  const rows = await sql.query(
    `SELECT payload FROM alerts FINAL
     ${filters.where}
     ORDER BY created_at DESC, id DESC LIMIT {limit:UInt32}`,
    filters.params,
  );
  const page = pageOf(parseRows(AlertRow, rows).map((r) => r.payload), q.limit, (a) => [a.openedAt, a.id]);
  return { alerts: page.rows, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

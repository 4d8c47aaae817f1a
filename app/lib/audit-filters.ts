/**
 * The audit log's filters and their URL form, so a filtered log can be shared by link:
 * `?action=stream.update&targetKind=stream&targetId=acme` and the time of the entries: `since=1h|24h|7d|30d`
 * (sliding) or `from=…&to=…` (ISO).
 */
import type { AuditQuery } from './admin-api.ts';

export const AuditSinces = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type AuditSince = keyof typeof AuditSinces;

export type AuditRange = { since: AuditSince } | { from: string | null; to: string | null };

export interface AuditFilters {
  action: string | null;
  targetKind: string | null;
  targetId: string | null;
  range: AuditRange;
}

export const noAuditFilters: AuditFilters = { action: null, targetKind: null, targetId: null, range: { from: null, to: null } };

/** The API's limits on these (server/routes/admin.ts → AuditQuery): a longer value would only be refused. */
const maxLength = { action: 64, targetKind: 32, targetId: 128 } as const;

function text(params: URLSearchParams, name: keyof typeof maxLength): string | null {
  const value = params.get(name)?.trim();
  return value && value.length <= maxLength[name] ? value : null;
}

function isoOrNull(value: string | null): string | null {
  const ms = Date.parse(value ?? '');
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Reads the filters from the query string; what does not parse is left out (no filter). */
export function parseAuditFilters(params: URLSearchParams): AuditFilters {
  const since = params.get('since');
  return {
    action: text(params, 'action'),
    targetKind: text(params, 'targetKind'),
    targetId: text(params, 'targetId'),
    range: since && Object.hasOwn(AuditSinces, since) ? { since: since as AuditSince } : { from: isoOrNull(params.get('from')), to: isoOrNull(params.get('to')) },
  };
}

export function auditFiltersQuery(f: AuditFilters): string {
  const params = new URLSearchParams();
  const set = (name: string, value: string | null) => value && params.set(name, value);
  set('action', f.action);
  set('targetKind', f.targetKind);
  set('targetId', f.targetId);
  if ('since' in f.range) set('since', f.range.since);
  else {
    set('from', f.range.from);
    set('to', f.range.to);
  }
  return params.toString();
}

/** The API query at `now` (a sliding range ends now). */
export function auditQuery(f: AuditFilters, now: number): AuditQuery {
  const range = 'since' in f.range
    ? { from: now - AuditSinces[f.range.since], to: null }
    : { from: f.range.from ? Date.parse(f.range.from) : null, to: f.range.to ? Date.parse(f.range.to) : null };
  return { action: f.action, targetKind: f.targetKind, targetId: f.targetId, ...range };
}

export const isAuditFiltered = (f: AuditFilters): boolean => auditFiltersQuery(f) !== '';

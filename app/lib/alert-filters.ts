/**
 * The alert history's filters and their URL form, so a filtered list can be shared by link:
 * `?stream=…&status=open|acknowledged|resolved&severity=info|warning|critical&kind=sentiment|volume`
 * and the time the alerts opened in: `since=1h|24h|7d` (sliding) or `from=…&to=…` (ISO).
 */
import { AlertKinds, AlertStatuses, Severities, type Severity } from '../../lib/alerts/alert.ts';
import type { AlertKind, AlertsQuery, AlertStatus } from './alerts-api.ts';

export const Sinces = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type Since = keyof typeof Sinces;

export type AlertRange = { since: Since } | { from: string | null; to: string | null };

export interface AlertFilters {
  /** A stream id (`*` = "All messages"); null = every stream. */
  stream: string | null;
  status: AlertStatus | null;
  severity: Severity | null;
  kind: AlertKind | null;
  range: AlertRange;
}

export const noFilters: AlertFilters = { stream: null, status: null, severity: null, kind: null, range: { from: null, to: null } };

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return values.includes(value as T) ? (value as T) : null;
}

function isoOrNull(value: string | null): string | null {
  const ms = Date.parse(value ?? '');
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Reads the filters from the query string; what does not parse is left out (no filter). */
export function parseAlertFilters(params: URLSearchParams): AlertFilters {
  const since = params.get('since');
  return {
    stream: params.get('stream')?.trim() || null,
    status: oneOf(AlertStatuses, params.get('status')),
    severity: oneOf(Severities, params.get('severity')),
    kind: oneOf(AlertKinds, params.get('kind')),
    range: since && Object.hasOwn(Sinces, since) ? { since: since as Since } : { from: isoOrNull(params.get('from')), to: isoOrNull(params.get('to')) },
  };
}

export function alertFiltersQuery(f: AlertFilters): string {
  const params = new URLSearchParams();
  const set = (name: string, value: string | null) => value && params.set(name, value);
  set('stream', f.stream);
  set('status', f.status);
  set('severity', f.severity);
  set('kind', f.kind);
  if ('since' in f.range) set('since', f.range.since);
  else {
    set('from', f.range.from);
    set('to', f.range.to);
  }
  return params.toString();
}

/** The API query at `now` (a sliding range ends now). */
export function alertsQuery(f: AlertFilters, now: number): AlertsQuery {
  const range = 'since' in f.range ? { from: now - Sinces[f.range.since], to: null } : {
    from: f.range.from ? Date.parse(f.range.from) : null,
    to: f.range.to ? Date.parse(f.range.to) : null,
  };
  return { stream: f.stream, status: f.status, severity: f.severity, kind: f.kind, ...range };
}

export const isFiltered = (f: AlertFilters): boolean => alertFiltersQuery(f) !== '';

/**
 * The alert history's filters and their URL form, so a filtered list can be shared by link:
 * `?stream=…&status=open|acknowledged|resolved&severity=info|warning|critical&kind=sentiment|volume`
 * and the time the alerts opened in: `since=1h|24h|7d` or `from=…&to=…` (./time-range.ts).
 */
import { AlertKinds, AlertStatuses, Severities, type Severity } from '../../lib/contracts/alerts.ts';
import type { AlertKind, AlertsQuery, AlertStatus } from './alerts-api.ts';
import { filtersQuery, parseTimeRange, timeRangeBounds, type Sliding, type TimeRange } from './time-range.ts';

export const AlertSinces = ['1h', '24h', '7d'] as const satisfies readonly Sliding[];

export interface AlertFilters {
  /** A stream id (`*` = "All messages"); null = every stream. */
  stream: string | null;
  status: AlertStatus | null;
  severity: Severity | null;
  kind: AlertKind | null;
  range: TimeRange<(typeof AlertSinces)[number]>;
}

export const noFilters: AlertFilters = { stream: null, status: null, severity: null, kind: null, range: { from: null, to: null } };

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return values.includes(value as T) ? (value as T) : null;
}

/** Reads the filters from the query string; what does not parse is left out (no filter). */
export function parseAlertFilters(params: URLSearchParams): AlertFilters {
  return {
    stream: params.get('stream')?.trim() || null,
    status: oneOf(AlertStatuses, params.get('status')),
    severity: oneOf(Severities, params.get('severity')),
    kind: oneOf(AlertKinds, params.get('kind')),
    range: parseTimeRange(params, AlertSinces),
  };
}

export const alertFiltersQuery = (f: AlertFilters): string => filtersQuery(f);

/** The API query at `now` (a sliding range ends now). */
export function alertsQuery(f: AlertFilters, now: number): AlertsQuery {
  return { stream: f.stream, status: f.status, severity: f.severity, kind: f.kind, ...timeRangeBounds(f.range, now) };
}

export const isFiltered = (f: AlertFilters): boolean => alertFiltersQuery(f) !== '';

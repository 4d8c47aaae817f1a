/**
 * The audit log's filters and their URL form, so a filtered log can be shared by link:
 * `?action=stream.update&targetKind=stream&targetId=acme` and the time of the entries: `since=1h|24h|7d|30d`
 * or `from=…&to=…` (./time-range.ts).
 */
import type { AuditQuery } from './admin-api.ts';
import { filtersQuery, parseTimeRange, timeRangeBounds, type Sliding, type TimeRange } from './time-range.ts';

export const AuditSinces = ['1h', '24h', '7d', '30d'] as const satisfies readonly Sliding[];

export interface AuditFilters {
  action: string | null;
  targetKind: string | null;
  targetId: string | null;
  range: TimeRange<(typeof AuditSinces)[number]>;
}

export const noAuditFilters: AuditFilters = { action: null, targetKind: null, targetId: null, range: { from: null, to: null } };

/** The API's limits on these (server/routes/admin.ts → AuditQuery): a longer value would only be refused. */
const maxLength = { action: 64, targetKind: 32, targetId: 128 } as const;

function text(params: URLSearchParams, name: keyof typeof maxLength): string | null {
  const value = params.get(name)?.trim();
  return value && value.length <= maxLength[name] ? value : null;
}

/** Reads the filters from the query string; what does not parse is left out (no filter). */
export function parseAuditFilters(params: URLSearchParams): AuditFilters {
  return {
    action: text(params, 'action'),
    targetKind: text(params, 'targetKind'),
    targetId: text(params, 'targetId'),
    range: parseTimeRange(params, AuditSinces),
  };
}

export const auditFiltersQuery = (f: AuditFilters): string => filtersQuery(f);

/** The API query at `now` (a sliding range ends now). */
export function auditQuery(f: AuditFilters, now: number): AuditQuery {
  return { action: f.action, targetKind: f.targetKind, targetId: f.targetId, ...timeRangeBounds(f.range, now) };
}

export const isAuditFiltered = (f: AuditFilters): boolean => auditFiltersQuery(f) !== '';

/**
 * A list filter's time range and its URL form, one for the alert history and the audit log so a
 * range reads, links and queries the same in both: `since=1h|24h|…` (sliding: it ends now) or
 * `from=…&to=…` (ISO; either may be left out, both for any time).
 */

/** Every sliding range a filter may offer, by its URL value; each filter picks those that suit its list. */
export const SlidingRanges = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type Sliding = keyof typeof SlidingRanges;

/** One of the filter's sliding ranges `S`, or fixed ends (ISO; null = open on that side). */
export type TimeRange<S extends Sliding> = { since: S } | { from: string | null; to: string | null };

function isoOrNull(value: string | null): string | null {
  const ms = Date.parse(value ?? '');
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Reads the range from the query string: a `since` the filter offers, else the `from`/`to` that parse. */
export function parseTimeRange<S extends Sliding>(params: URLSearchParams, sinces: readonly S[]): TimeRange<S> {
  const since = params.get('since');
  return since && sinces.includes(since as S) ? { since: since as S } : { from: isoOrNull(params.get('from')), to: isoOrNull(params.get('to')) };
}

/** Writes the range into the query string; any time writes nothing. */
/** The URL form of a list's filters: `name=value&…` of those that are set, then the time range. */
export function filtersQuery(filters: { range: TimeRange<Sliding> }): string {
  const { range } = filters;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (name !== 'range' && typeof value === 'string' && value) params.set(name, value);
  if ('since' in range) params.set('since', range.since);
  else {
    if (range.from) params.set('from', range.from);
    if (range.to) params.set('to', range.to);
  }
  return params.toString();
}

/** The API's `from`/`to` (epoch ms, null = open) at `now`: a sliding range ends now. */
export function timeRangeBounds(range: TimeRange<Sliding>, now: number): { from: number | null; to: number | null } {
  return 'since' in range
    ? { from: now - SlidingRanges[range.since], to: null }
    : { from: range.from ? Date.parse(range.from) : null, to: range.to ? Date.parse(range.to) : null };
}

/**
 * The audit log for a set of filters: the first page of `/api/audit`, then older pages on
 * `loadMore()`. A sliding range ("last hour") is fixed when the filters are applied, so the
 * pages that follow continue the same list.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchAudit, type AuditEntry } from '../lib/admin-api.ts';
import { errorText } from '../lib/api.ts';
import { auditFiltersQuery, auditQuery, type AuditFilters } from '../lib/audit-filters.ts';

const pageSize = 50;

interface State {
  key: string;
  entries: AuditEntry[];
  cursor?: string;
  loading: boolean;
  error: string | null;
}

export interface AuditLog {
  entries: AuditEntry[];
  loading: boolean;
  error: string | null;
  more: boolean;
  loadMore(): void;
  /** Loads the first page again (after a failure). */
  retry(): void;
}

export function useAuditLog(filters: AuditFilters): AuditLog {
  const key = auditFiltersQuery(filters);
  const [state, setState] = useState<State>({ key, entries: [], loading: true, error: null });
  const [tries, setTries] = useState(0);
  const query = useRef(auditQuery(filters, Date.now()));
  const latest = useRef(state);
  latest.current = state;
  const inFlight = useRef<AbortController | null>(null);

  const load = useCallback(
    (cursor: string | undefined) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      setState((s) => (cursor ? { ...s, loading: true, error: null } : { key, entries: [], loading: true, error: null }));
      fetchAudit({ ...query.current, limit: pageSize, ...(cursor ? { cursor } : {}) }, controller.signal).then(
        (page) =>
          setState((s) => ({
            key,
            entries: cursor ? [...s.entries, ...page.entries] : page.entries,
            ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
            loading: false,
            error: null,
          })),
        (err: unknown) => controller.signal.aborted || setState((s) => ({ ...s, loading: false, error: errorText(err) })),
      );
    },
    [key],
  );

  useEffect(() => {
    query.current = auditQuery(filters, Date.now());
    load(undefined);
    return () => inFlight.current?.abort();
    // `key` is the filters' identity; the filters object itself may be new on every render.
  }, [key, tries, load]);

  const current = state.key === key;
  return {
    entries: current ? state.entries : [],
    loading: !current || state.loading,
    error: current ? state.error : null,
    more: current && Boolean(state.cursor),
    loadMore: useCallback(() => latest.current.cursor && load(latest.current.cursor), [load]),
    retry: useCallback(() => setTries((n) => n + 1), []),
  };
}
